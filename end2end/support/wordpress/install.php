<?php
// Installs the end-to-end test site without a browser, as wp-admin/install.php would:
// run by scripts/wordpress-site.sh with PHP's CLI, inside the mount namespace where
// /etc/wordpress holds the run's own configuration. Prints the administrator's username
// and a new Application Password as JSON.
//   php install.php SITE_URL
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$site = $argv[1];
// Debian's wp-config.php chooses its configuration by host; ours is config-default.php.
// As a browser's request to wp-admin/install.php looks, so that the site's address is the
// one WordPress guesses from it.
$_SERVER['HTTP_HOST'] = parse_url($site, PHP_URL_HOST) . ':' . parse_url($site, PHP_URL_PORT);
$_SERVER['REQUEST_URI'] = '/wp-admin/install.php';
$_SERVER['PHP_SELF'] = '/wp-admin/install.php';
$_SERVER['SCRIPT_FILENAME'] = '/usr/share/wordpress/wp-admin/install.php';
define('WP_INSTALLING', true);

// Nothing leaves the machine during the install: no notification mail (there is no mail
// transport here) and no HTTP (wp_install() requests the site itself to try pretty
// permalinks; failing, it keeps plain ones, which is what the tests want).
function wp_mail() {
    return true;
}

require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

add_filter('pre_http_request', function () {
    return new WP_Error('http_request_failed', 'No HTTP while installing the test site.');
});

if (is_blog_installed()) {
    fwrite(STDERR, "the test site's database is not empty\n");
    exit(1);
}
$username = 'admin';
wp_install('Connector Hub test site', $username, 'admin@example.test', false, '', wp_generate_password(32));
if (get_option('permalink_structure') !== '' || get_option('siteurl') !== $site) {
    fwrite(STDERR, "expected plain permalinks at $site\n");
    exit(1);
}

$user = get_user_by('login', $username);
$created = WP_Application_Passwords::create_new_application_password(
    $user->ID,
    array('name' => 'Connector Hub end-to-end tests')
);
if (is_wp_error($created)) {
    fwrite(STDERR, $created->get_error_message() . "\n");
    exit(1);
}
echo json_encode(array(
    'username' => $username,
    'user_id' => $user->ID,
    // As wp-admin shows it, in groups of four.
    'application_password' => WP_Application_Passwords::chunk_password($created[0]),
    'wordpress_version' => get_bloginfo('version'),
)), "\n";
