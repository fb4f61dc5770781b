#!/usr/bin/env bash
# A real WordPress for the end-to-end tests: Debian's package (/usr/share/wordpress, put
# there by `scripts/bootstrap.sh test`) on MariaDB, installed afresh and served by an Apache
# of its own in the foreground until it is stopped (SIGTERM or SIGINT, as Playwright's
# webServer stops it). What a run makes goes with it: the run directory, the database and
# its MariaDB user, the credentials file. MariaDB is started when it is not running, and
# left running (like PostgreSQL for the Rust tests).
#
#   scripts/wordpress-site.sh PORT [CREDENTIALS_FILE]
#
#   http://127.0.0.1:PORT/                WordPress with plain permalinks (its default), so
#                                         its REST API is at /?rest_route=…, not /wp-json/
#   http://127.0.0.1:PORT+1/              the same site with its REST API switched off by a
#                                         must-use plugin (403 rest_disabled)
#   http://127.0.0.1:PORT+2/              the same site, answering REST requests 1.5 s late
#   http://127.0.0.1:PORT/not-wordpress/  an ordinary HTML page, not WordPress
#   http://127.0.0.1:PORT/?rest_route=/   the REST index: answers 200 once the site is up
#
# CREDENTIALS_FILE (default end2end/test-results/wordpress-site.json) receives, once the site
# is installed, the administrator's username and a new Application Password (JSON).
#
# Debian's wp-config.php reads /etc/wordpress/config-<host>.php. To leave nothing in /etc,
# the installer and Apache run in a mount namespace of their own, where the run directory's
# etc-wordpress/ is mounted over /etc/wordpress: so this needs root (MariaDB does too).
set -euo pipefail

say() { echo "wordpress-site: $*" >&2; }
die() { say "$*"; exit 1; }
elapsed() { echo "$EPOCHREALTIME $started" | awk '{ printf "%.1f", $1 - $2 }'; }

port="${1:?usage: scripts/wordpress-site.sh PORT [CREDENTIALS_FILE]}"
root="$(cd "$(dirname "$0")/.." && pwd)"
credentials="${2:-$root/end2end/test-results/wordpress-site.json}"
support="$root/end2end/support/wordpress"
site="http://127.0.0.1:$port"
db="connector_hub_wp_$port"
run="${TMPDIR:-/tmp}/connector-hub-wordpress-$port"
started=$EPOCHREALTIME

[ "$(id -u)" -eq 0 ] || die "needs root: it starts MariaDB and mounts its own /etc/wordpress in a private mount namespace"
[ -f /usr/share/wordpress/wp-load.php ] && command -v apache2 >/dev/null && command -v php >/dev/null &&
  command -v mariadb >/dev/null || die "WordPress, Apache, PHP or MariaDB is missing: run scripts/bootstrap.sh test"
php_module="$(compgen -G '/usr/lib/apache2/modules/libphp*.so' | head -n 1)" ||
  die "Apache's PHP module is missing: run scripts/bootstrap.sh test"

if ! mariadb-admin --silent ping >/dev/null 2>&1; then
  say "starting MariaDB"
  # In a session of its own: Playwright stops this script's whole process group.
  setsid -w service mariadb start >/dev/null
  for _ in $(seq 50); do
    mariadb-admin --silent ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb-admin --silent ping >/dev/null 2>&1 || die "MariaDB did not start (see /var/log/mysql/ or 'service mariadb status')"
fi

pid=""
logger=""
cleanup() {
  # Apache stopping signals its whole process group, this script included: let it.
  trap - EXIT
  trap '' INT TERM
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  if [ -n "$logger" ]; then kill "$logger" 2>/dev/null || true; fi
  mariadb -e "DROP DATABASE IF EXISTS \`$db\`; DROP USER IF EXISTS '$db'@'localhost';" 2>/dev/null || true
  rm -rf "$run"
  rm -f "$credentials"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# A fresh run directory and database, whatever an earlier run (killed) left.
rm -rf "$run"
mkdir -p "$run/etc-wordpress" "$run/wp-content/plugins" "$run/wp-content/themes" "$run/wp-content/uploads"
chmod 755 "$run"
cp -r "$support/mu-plugins" "$run/wp-content/"
cp -r "$support/not-wordpress" "$run/"
chown www-data: "$run/wp-content/uploads"
password="$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')"
mariadb <<SQL
DROP DATABASE IF EXISTS \`$db\`;
CREATE DATABASE \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE OR REPLACE USER '$db'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$db\`.* TO '$db'@'localhost';
SQL

# /usr/share/wordpress/.htaccess links to /etc/wordpress/htaccess (not read: AllowOverride None).
cp /etc/wordpress/htaccess "$run/etc-wordpress/htaccess" 2>/dev/null || : >"$run/etc-wordpress/htaccess"
cat >"$run/etc-wordpress/config-default.php" <<PHP
<?php
// This run's configuration (scripts/wordpress-site.sh), seen as /etc/wordpress only inside
// the run's mount namespace. Debian's wp-config.php fills in the rest.
define('DB_NAME', '$db');
define('DB_USER', '$db');
define('DB_PASSWORD', '$password');
define('DB_HOST', 'localhost');
define('WP_CONTENT_DIR', '$run/wp-content');
// Application Passwords need HTTPS, or an environment of type 'local'.
define('WP_ENVIRONMENT_TYPE', 'local');
// Nothing leaves the machine: no update checks, no calls home, no cron requests.
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('DISABLE_WP_CRON', true);
// The must-use plugin picks each port's behaviour from this.
define('CONNECTOR_HUB_TEST_PORT', $port);
PHP
chown -R root:www-data "$run/etc-wordpress"
chmod 750 "$run/etc-wordpress"
chmod 640 "$run/etc-wordpress/"*

cat >"$run/apache2.conf" <<CONF
ServerName 127.0.0.1
Listen 127.0.0.1:$port
Listen 127.0.0.1:$((port + 1))
Listen 127.0.0.1:$((port + 2))
PidFile $run/apache2.pid
DefaultRuntimeDir $run
Mutex file:$run default
User www-data
Group www-data
ErrorLog $run/error.log
LogLevel warn
LogFormat "%h %t \"%r\" %>s %b %D" timed
CustomLog $run/access.log timed
LoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule dir_module /usr/lib/apache2/modules/mod_dir.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule php_module $php_module
StartServers 2
MinSpareServers 2
MaxSpareServers 6
MaxRequestWorkers 16
TypesConfig /etc/mime.types
DocumentRoot /usr/share/wordpress
DirectoryIndex index.php index.html
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory /usr/share/wordpress>
  Require all granted
</Directory>
Alias /not-wordpress $run/not-wordpress
<Directory $run/not-wordpress>
  Require all granted
</Directory>
<FilesMatch "\.php$">
  SetHandler application/x-httpd-php
</FilesMatch>
CONF

# Apache's errors (PHP's included) on this script's stderr, less its start and stop notices.
# (Apache cannot open /dev/stderr itself when it is a socket, as under Playwright.)
: >"$run/error.log"
tail -n +1 -F "$run/error.log" 2>/dev/null > >(grep --line-buffered -v ':notice\]' >&2) &
logger=$!

mkdir -p "$(dirname "$credentials")"
# The installer writes the credentials, then the same shell becomes Apache (so $pid is
# Apache's). The mount is private to the namespace and goes when its last process ends.
unshare --mount --propagation private -- bash -c '
  set -euo pipefail
  mount --bind "$1/etc-wordpress" /etc/wordpress
  php "$2" "$3" >"$4.part"
  chmod 600 "$4.part"
  mv "$4.part" "$4"
  exec apache2 -f "$1/apache2.conf" -DFOREGROUND
' wordpress-site "$run" "$support/install.php" "$site" "$credentials" &
pid=$!
# Ready when the installer has written the credentials and Apache accepts connections.
ready=""
for _ in $(seq 600); do
  if [ -f "$credentials" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || { wait "$pid" || true; pid=""; die "the site did not start"; }
  sleep 0.1
done
[ -n "$ready" ] || die "the site did not start within 60 s"
say "WordPress $(sed -E 's/.*"wordpress_version":"([^"]*)".*/\1/' "$credentials") ready in $(elapsed) s at $site (REST API off on :$((port + 1)), slow on :$((port + 2)))"
wait "$pid"
