//! Strings drawn from a regular expression, for the subset the seed schemas use: literals,
//! classes with ranges, `\d \w \s` and their negations, `\xNN`, groups, `|`, and the
//! quantifiers `* + ? {m} {m,} {m,n}`. `None` for anything else.

use super::{Rng, SPACES};

enum Node {
    Text(char),
    /// Inclusive ranges, negated or not.
    Class(Vec<(char, char)>, bool),
    Spaces(bool),
    Choice(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, usize),
    Nothing,
}

pub fn sample(pattern: &str, rng: &mut Rng) -> Option<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut at = 0;
    let tree = alternatives(&chars, &mut at)?;
    if at != chars.len() {
        return None;
    }
    let mut out = String::new();
    emit(&tree, rng, &mut out);
    Some(out)
}

fn alternatives(chars: &[char], at: &mut usize) -> Option<Node> {
    let mut branches = vec![sequence(chars, at)?];
    while chars.get(*at) == Some(&'|') {
        *at += 1;
        branches.push(sequence(chars, at)?);
    }
    Some(Node::Choice(branches))
}

fn sequence(chars: &[char], at: &mut usize) -> Option<Vec<Node>> {
    let mut nodes = Vec::new();
    while let Some(&c) = chars.get(*at) {
        if c == '|' || c == ')' {
            break;
        }
        *at += 1;
        let atom = match c {
            '(' => {
                if chars.get(*at) == Some(&'?') {
                    if chars.get(*at + 1) != Some(&':') {
                        return None;
                    }
                    *at += 2;
                }
                let inner = alternatives(chars, at)?;
                if chars.get(*at) != Some(&')') {
                    return None;
                }
                *at += 1;
                inner
            }
            '[' => class(chars, at)?,
            '\\' => escape(chars, at, false)?,
            '.' => Node::Class(vec![('a', 'z'), ('é', 'é'), ('0', '9')], false),
            '^' | '$' => Node::Nothing,
            '*' | '+' | '?' | '{' => return None,
            literal => Node::Text(literal),
        };
        nodes.push(quantified(atom, chars, at)?);
    }
    Some(nodes)
}

fn quantified(atom: Node, chars: &[char], at: &mut usize) -> Option<Node> {
    let (least, most) = match chars.get(*at) {
        Some('*') => (0, 3),
        Some('+') => (1, 4),
        Some('?') => (0, 1),
        Some('{') => {
            let close = chars[*at..].iter().position(|&c| c == '}')? + *at;
            let body: String = chars[*at + 1..close].iter().collect();
            let (least, most) = match body.split_once(',') {
                None => (body.parse().ok()?, body.parse().ok()?),
                Some((least, "")) => (least.parse().ok()?, least.parse::<usize>().ok()? + 3),
                Some((least, most)) => (least.parse().ok()?, most.parse().ok()?),
            };
            *at = close;
            (least, most)
        }
        _ => return Some(atom),
    };
    *at += 1;
    Some(Node::Repeat(Box::new(atom), least, most))
}

fn class(chars: &[char], at: &mut usize) -> Option<Node> {
    let negated = chars.get(*at) == Some(&'^');
    if negated {
        *at += 1;
    }
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(*at)?;
        *at += 1;
        let start = match c {
            ']' => break,
            '\\' => match escape(chars, at, true)? {
                Node::Text(c) => c,
                Node::Class(more, false) => {
                    ranges.extend(more);
                    continue;
                }
                _ => return None,
            },
            c => c,
        };
        if chars.get(*at) == Some(&'-') && chars.get(*at + 1).is_some_and(|&c| c != ']') {
            *at += 1;
            let end = match *chars.get(*at)? {
                '\\' => {
                    *at += 1;
                    match escape(chars, at, true)? {
                        Node::Text(c) => c,
                        _ => return None,
                    }
                }
                c => {
                    *at += 1;
                    c
                }
            };
            ranges.push((start, end));
        } else {
            ranges.push((start, start));
        }
    }
    Some(Node::Class(ranges, negated))
}

/// After a `\`.
fn escape(chars: &[char], at: &mut usize, in_class: bool) -> Option<Node> {
    let c = *chars.get(*at)?;
    *at += 1;
    Some(match c {
        'd' => Node::Class(vec![('0', '9')], false),
        'D' => Node::Class(vec![('0', '9')], true),
        'w' => Node::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], false),
        'W' => Node::Class(vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')], true),
        's' if !in_class => Node::Spaces(true),
        'S' if !in_class => Node::Spaces(false),
        'x' => {
            let hex: String = chars.get(*at..*at + 2)?.iter().collect();
            *at += 2;
            Node::Text(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?)
        }
        'b' | 'B' | 'p' | 'P' | 'c' | 's' | 'S' | '1'..='9' => return None,
        literal => Node::Text(literal),
    })
}

/// Characters to try against a negated class.
const PROBES: &[char] = &[
    'a', 'Z', '7', '_', '-', '.', '!', '~', 'é', '日', ' ', '\u{a0}',
];

fn emit(node: &Node, rng: &mut Rng, out: &mut String) {
    match node {
        Node::Text(c) => out.push(*c),
        Node::Nothing => {}
        Node::Spaces(true) => out.push_str(SPACES[rng.below(SPACES.len())]),
        Node::Spaces(false) => out.push(*rng.pick(&['a', 'é', '_', '\u{200b}'])),
        Node::Class(ranges, false) => {
            let (start, end) = *rng.pick(ranges);
            let span = (end as u32).saturating_sub(start as u32) + 1;
            let offset = rng.below(span as usize) as u32;
            out.push(char::from_u32(start as u32 + offset).unwrap_or(start));
        }
        Node::Class(ranges, true) => {
            let start = rng.below(PROBES.len());
            let outside = (0..PROBES.len())
                .map(|i| PROBES[(start + i) % PROBES.len()])
                .find(|c| !ranges.iter().any(|(low, high)| low <= c && c <= high));
            out.extend(outside);
        }
        Node::Choice(branches) => {
            for node in rng.pick(branches) {
                emit(node, rng, out);
            }
        }
        Node::Repeat(inner, least, most) => {
            let times = least + rng.below(most.saturating_sub(*least) + 1);
            for _ in 0..times {
                emit(inner, rng, out);
            }
        }
    }
}
