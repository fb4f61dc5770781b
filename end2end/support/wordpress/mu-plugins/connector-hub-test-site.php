<?php
/*
 * Plugin Name: Connector Hub test site
 * Description: One WordPress, three sites by port (scripts/wordpress-site.sh): PORT is
 * left as it is; PORT+1 has its REST API switched off as plugins that do so switch it off;
 * PORT+2 answers REST requests 1.5 s late, so a test can watch the progress indicator.
 */

$connector_hub_port = (int) ($_SERVER['SERVER_PORT'] ?? 0);

if ($connector_hub_port === CONNECTOR_HUB_TEST_PORT + 1) {
    add_filter('rest_authentication_errors', function ($result) {
        return new WP_Error('rest_disabled', 'The REST API is disabled on this site.', array('status' => 403));
    });
}

if ($connector_hub_port === CONNECTOR_HUB_TEST_PORT + 2) {
    add_action('rest_api_init', function () {
        usleep(1500000);
    });
}
