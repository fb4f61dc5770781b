//! Deterministic values for a JSON Schema, for `seed_sweep.rs`: mostly what the schema asks
//! for, often one edge away from it, sometimes plain wrong.

mod pattern;

use serde_json::{Map, Number, Value, json};

/// SplitMix64: tiny, fast, and the same sequence on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        // Callers pass non-empty lists.
        &items[self.below(items.len())]
    }
}

/// URLs a person may paste, valid or not, IP-literal hosts first.
pub const URLS: &[&str] = &[
    "https://[2001:db8::7]",
    "http://[::1]/",
    "http://[::1]:8080/health",
    "https://[2001:db8::7]:8443/api/v2?x=1#top",
    "https://user:secret@[2001:db8::7]/p",
    "http://[::ffff:192.0.2.1]/",
    "http://[v1.fe80::a+en1]/",
    "http://[fe80::1%25en0]/",
    "https://api.example.com",
    "https://api.example.com/v1/",
    "http://127.0.0.1:3000",
    "http://localhost:8080/x?y=z&w=%20",
    "https://example.com/a%2Fb",
    "https://xn--r8jz45g.jp/",
    "ftp://files.example.com/pub",
    "mailto:ops@example.com",
    "urn:isbn:0451450523",
    "https://example.com/a b",
    "https://exa mple.com",
    "https://例え.jp/",
    "https://example.com/%zz",
    "https://example.com/[x]",
    "https://[::1",
    "https://[::1]x/",
    "http:/[::1]",
    "https://[@example.org/",
    "https://example.com:80a/",
    "//example.com/no-scheme",
    "example.com",
    "",
];

/// E-mail addresses, quoted local parts and address literals first.
pub const EMAILS: &[&str] = &[
    "\"john doe\"@example.com",
    "\"a@b\"@example.com",
    "\"quote\\\"inside\"@example.com",
    "\"\"@example.com",
    "ops@[127.0.0.1]",
    "ops@[IPv6:2001:db8::1]",
    "ops+alerts@example.com",
    "first.last@sub.example.co.uk",
    "a@b",
    "\"unclosed@example.com",
    "a..b@example.com",
    "é@example.com",
    "ops@[127.0.0.300]",
    "ops@example.",
    "no-at-sign",
];

/// Unicode white space (as ECMA-262 counts it) and look-alikes that are not.
pub const SPACES: &[&str] = &[
    " ", "\t", "\n", "\u{a0}", "\u{1680}", "\u{2003}", "\u{2028}", "\u{202f}", "\u{3000}",
    "\u{feff}", "\u{200b}", "\u{85}",
];

/// Other text: empty, non-ASCII, look-alike digits and letters, dates.
pub const TEXTS: &[&str] = &[
    "",
    "a",
    "é",
    "Ω",
    "日本語",
    "😀",
    "٣",
    "K",
    "ſ",
    "x-trace",
    "2026-11-30",
    "2026-02-29",
    "2026-11-30T20:30:00Z",
    "1998-12-31T23:59:60Z",
    "1998-12-31T15:59:60-08:00",
    "2026-11-30T23:59:60Z",
    "api.example.com",
    "xn--r8jz45g",
    "example.",
    "ab--cd.com",
];

pub struct Generator<'a> {
    root: &'a Value,
}

impl<'a> Generator<'a> {
    pub fn new(root: &'a Value) -> Self {
        Generator { root }
    }

    pub fn value(&self, rng: &mut Rng) -> Value {
        self.node(self.root, rng, 0)
    }

    fn node(&self, node: &Value, rng: &mut Rng, depth: u8) -> Value {
        let node = app::schema::document::resolve(self.root, node);
        if depth > 6 || rng.chance(3) {
            return wrong(rng);
        }
        if let Some(constant) = node.get("const")
            && rng.chance(90)
        {
            return constant.clone();
        }
        if let Some(options) = node.get("enum").and_then(Value::as_array)
            && !options.is_empty()
            && rng.chance(90)
        {
            return rng.pick(options).clone();
        }
        match type_of(&node) {
            "string" => Value::String(self.string(&node, rng)),
            "integer" => number(&node, rng, true),
            "number" => number(&node, rng, false),
            "boolean" => Value::Bool(rng.chance(50)),
            "null" => Value::Null,
            "array" => self.array(&node, rng, depth),
            "object" => self.object(&node, rng, depth),
            _ => wrong(rng),
        }
    }

    fn string(&self, node: &Value, rng: &mut Rng) -> String {
        let format = node.get("format").and_then(Value::as_str);
        let pattern = node.get("pattern").and_then(Value::as_str);
        let roll = rng.below(10);
        let mut text = match (format, pattern) {
            (Some("uri"), _) if roll <= 7 => URLS[rng.below(URLS.len())].to_owned(),
            (Some("email"), _) if roll <= 7 => EMAILS[rng.below(EMAILS.len())].to_owned(),
            (_, Some(pattern)) if roll <= 5 => pattern::sample(pattern, rng).unwrap_or_default(),
            _ => match roll {
                0..=3 => examples(node)
                    .map(|examples| rng.pick(&examples).clone())
                    .unwrap_or_else(|| TEXTS[rng.below(TEXTS.len())].to_owned()),
                4..=6 => TEXTS[rng.below(TEXTS.len())].to_owned(),
                7..=8 => URLS[rng.below(URLS.len())].to_owned(),
                _ => EMAILS[rng.below(EMAILS.len())].to_owned(),
            },
        };
        if rng.chance(25) {
            text = mutate(&text, rng);
        }
        if let Some(limit) = node.get("maxLength").and_then(Value::as_u64)
            && rng.chance(10)
        {
            let length = limit as usize + rng.below(2);
            text = "é".repeat(length);
        }
        text
    }

    fn array(&self, node: &Value, rng: &mut Rng, depth: u8) -> Value {
        let most = node.get("maxItems").and_then(Value::as_u64).unwrap_or(4) as usize;
        let length = rng.below(most + 2);
        let prefix = node.get("prefixItems").and_then(Value::as_array);
        let mut items: Vec<Value> = (0..length)
            .map(|index| {
                let schema = prefix
                    .and_then(|prefix| prefix.get(index))
                    .or_else(|| node.get("items"))
                    .cloned()
                    .unwrap_or(json!({}));
                self.node(&schema, rng, depth + 1)
            })
            .collect();
        if rng.chance(10)
            && let Some(first) = items.first().cloned()
        {
            items.push(first);
        }
        Value::Array(items)
    }

    fn object(&self, node: &Value, rng: &mut Rng, depth: u8) -> Value {
        let mut properties = Map::new();
        let mut required: Vec<String> = Vec::new();
        let mut gather = |schema: &Value| {
            let schema = app::schema::document::resolve(self.root, schema);
            if let Some(own) = schema.get("properties").and_then(Value::as_object) {
                for (name, property) in own {
                    properties.entry(name.clone()).or_insert(property.clone());
                }
            }
            required.extend(
                app::schema::document::string_list(schema.get("required")).map(str::to_owned),
            );
        };
        gather(node);
        for keyword in ["oneOf", "anyOf"] {
            if let Some(branches) = node.get(keyword).and_then(Value::as_array)
                && !branches.is_empty()
            {
                gather(rng.pick(branches));
            }
        }
        for branch in node
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            gather(branch);
        }
        for keyword in ["then", "else"] {
            if let Some(branch) = node.get(keyword) {
                gather(branch);
            }
        }
        let mut map = Map::new();
        for (name, property) in &properties {
            let wanted = if required.contains(name) { 95 } else { 50 };
            if rng.chance(wanted) {
                map.insert(name.clone(), self.node(property, rng, depth + 1));
            }
        }
        match node.get("additionalProperties") {
            Some(extra) if extra.is_object() => {
                for _ in 0..rng.below(3) {
                    let key = format!("{}{}", rng.pick(&["X-", "x-", "", "é"]), rng.below(9));
                    map.insert(key, self.node(extra, rng, depth + 1));
                }
            }
            _ if rng.chance(5) => {
                map.insert(rng.pick(&["x-extra", "colour", "é"]).to_string(), json!(1));
            }
            _ => {}
        }
        Value::Object(map)
    }
}

fn type_of(node: &Value) -> &str {
    match node.get("type") {
        Some(Value::String(name)) => name,
        Some(Value::Array(names)) => names.first().and_then(Value::as_str).unwrap_or("string"),
        _ if node.get("properties").is_some() => "object",
        _ if node.get("items").is_some() => "array",
        _ => match node.get("enum").and_then(|options| options.get(0)) {
            Some(Value::String(_)) => "string",
            Some(Value::Bool(_)) => "boolean",
            Some(Value::Number(_)) => "number",
            _ => "any",
        },
    }
}

fn examples(node: &Value) -> Option<Vec<String>> {
    let mut found: Vec<String> = node
        .get("examples")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(node.get("default"))
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// The text one edit away: white space around or inside, a character more or less, case.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let space = SPACES[rng.below(SPACES.len())];
    let mut chars: Vec<char> = text.chars().collect();
    match rng.below(6) {
        0 => format!("{space}{text}"),
        1 => format!("{text}{space}"),
        2 => {
            let at = rng.below(chars.len() + 1);
            chars.splice(at..at, space.chars());
            chars.into_iter().collect()
        }
        3 => {
            chars.pop();
            chars.into_iter().collect()
        }
        4 => text.to_uppercase(),
        _ => format!("{text}{}", TEXTS[rng.below(TEXTS.len())]),
    }
}

fn number(node: &Value, rng: &mut Rng, integer: bool) -> Value {
    let bound = |key| node.get(key).and_then(Value::as_f64);
    let low = bound("minimum")
        .or(bound("exclusiveMinimum"))
        .unwrap_or(-10.0);
    let high = bound("maximum")
        .or(bound("exclusiveMaximum"))
        .unwrap_or(low + 100.0);
    let candidates = [
        low,
        high,
        low - 1.0,
        high + 1.0,
        low + 0.5,
        (low + high) / 2.0,
        0.0,
        -0.0,
        1e15,
        low + (rng.below(1000) as f64) * (high - low) / 1000.0,
    ];
    let mut chosen = *rng.pick(&candidates);
    if let Some(step) = bound("multipleOf")
        && rng.chance(50)
    {
        chosen = (chosen / step).round() * step;
    }
    if integer && rng.chance(90) {
        chosen = chosen.round();
        if rng.chance(80) && chosen.abs() < 9e15 {
            return json!(chosen as i64);
        }
    }
    Number::from_f64(chosen).map_or(Value::Null, Value::Number)
}

fn wrong(rng: &mut Rng) -> Value {
    rng.pick(&[
        json!(null),
        json!(true),
        json!(0),
        json!(1.5),
        json!("x"),
        json!([]),
        json!({}),
        json!([1, "a"]),
    ])
    .clone()
}
