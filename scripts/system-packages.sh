#!/usr/bin/env bash
# Install the Debian packages of system-packages.txt that carry the given tags, then start the
# local PostgreSQL and Redis among them when they do not answer. The one reader of that list:
# the Makefile (`make run`, `make test`, hence .ci/run) and the Dockerfile all call this.
#
#   scripts/system-packages.sh [--check | --list] [--for NAME] TAG...
#
# TAG is a tag of system-packages.txt (image, run, venv, test, service) or `all`; a package is
# selected when it carries any of them.
#   (default)  install what is missing, as root or through `sudo -n`; otherwise print the
#              apt-get command to run as root and exit 1. Then start the selected services.
#   --check    change nothing: report what is missing or stopped, exit 1 if anything is.
#   --list     print the selected package names, one a line, and nothing else.
#   --for NAME the prefix of every message (e.g. "make test"), to say who is asking.
# Environment:
#   TEST_DATABASE_URL, TEST_BROKER_URL  where `make test` finds PostgreSQL and Redis; when one
#       names another machine (not 127.0.0.1 / localhost on the default port), the matching
#       service is neither installed nor started here.
#   SYSTEM_PACKAGES_FILE   another list to read (the tests use it).
#   SYSTEM_PACKAGES_EXTRA  more package names to require, separated by spaces.
#   SYSTEM_PACKAGES_PG_ETC where Debian keeps the PostgreSQL clusters (/etc/postgresql; tests).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
list=${SYSTEM_PACKAGES_FILE:-$root/system-packages.txt}
pg_etc=${SYSTEM_PACKAGES_PG_ETC:-/etc/postgresql}
known_tags=" image run venv test service "
# Same rule as Debian policy §5.6.1: lower case letters, digits, + - . ; at least two long.
name_pattern='^[a-z0-9][a-z0-9+.-]+$'

mode=install
who=$(basename "$0")
while (($#)); do
  case $1 in
    --check) mode=check ;;
    --list) mode=list ;;
    --for) who=${2:?--for needs a name}; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "$who: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done

say() { echo "$who: $*" >&2; }
die() { say "$*"; exit 2; }

(($#)) || die "name the tags to install (see --help): $known_tags all"
for tag in "$@"; do
  [[ $known_tags == *" $tag "* || $tag == all ]] || die "unknown tag '$tag' (known:$known_tags all)"
done
wanted=" $* "

# --- Read the list: the selected packages, and among them the services. ---
[[ -r $list ]] || die "cannot read the package list $list"
packages=()
services=()
seen=" " # " name:line " for each name read, to refuse duplicates
lineno=0
while IFS= read -r line || [[ -n $line ]]; do
  lineno=$((lineno + 1))
  line=${line%%#*}
  read -r -a words <<<"$line"
  ((${#words[@]})) || continue
  name=${words[0]}
  where="$list:$lineno"
  [[ $name =~ $name_pattern ]] || die "$where: '$name' is not a Debian package name"
  if [[ $seen == *" $name:"* ]]; then
    previous=${seen#* "$name":}
    die "$where: $name is listed twice (also line ${previous%% *})"
  fi
  seen="$seen$name:$lineno "
  ((${#words[@]} > 1)) || die "$where: $name has no tag (known:$known_tags)"
  selected=false
  service=false
  for tag in "${words[@]:1}"; do
    [[ $known_tags == *" $tag "* ]] || die "$where: unknown tag '$tag' (known:$known_tags)"
    [[ $wanted == *" $tag "* || $wanted == *" all "* ]] && selected=true
    [[ $tag == service ]] && service=true
  done
  if $selected; then
    packages+=("$name")
    $service && services+=("$name")
  fi
done <"$list"
for name in ${SYSTEM_PACKAGES_EXTRA:-}; do
  [[ $name =~ $name_pattern ]] || die "SYSTEM_PACKAGES_EXTRA: '$name' is not a Debian package name"
  packages+=("$name")
done

if [[ $mode == list ]]; then
  ((${#packages[@]} == 0)) || printf '%s\n' "${packages[@]}"
  exit 0
fi
if ! command -v dpkg-query >/dev/null; then
  say "not a Debian system (no dpkg-query): install the equivalents of these yourself:"
  say "  ${packages[*]-}"
  exit 0
fi

# --- Services: only those on this machine's default address are ours to install and start. ---
# The host[:port] of a URL, without the user name or password.
url_address() {
  local address=${1#*://}
  address=${address%%/*}
  address=${address%%\?*}
  echo "${address##*@}"
}

# True when URL (empty: the default) names 127.0.0.1 / localhost / ::1 on PORT.
is_local_url() {
  local url=$1 port=$2 address host
  [[ -z $url ]] && return 0
  address=$(url_address "$url")
  if [[ $address == \[* ]]; then host=${address%%]*}]; else host=${address%%:*}; fi
  address=${address#"$host"}
  case $host in "" | 127.0.0.1 | localhost | "[::1]") ;; *) return 1 ;; esac
  [[ -z $address || $address == ":$port" || $address == ":" ]]
}

service_url() {
  case $1 in
    postgresql) echo "${TEST_DATABASE_URL:-}" ;;
    redis-server) echo "${TEST_BROKER_URL:-}" ;;
    *) die "$list: do not know how to start the service $1 (only postgresql and redis-server)" ;;
  esac
}
service_port() { case $1 in postgresql) echo 5432 ;; redis-server) echo 6379 ;; esac; }

# True when the service answers on 127.0.0.1 and its default port: asked with its own client,
# or, when that is not installed, by whether anything accepts connections there.
answers() {
  local client=pg_isready port=5432
  [[ $1 == redis-server ]] && client=redis-cli port=6379
  if ! command -v "$client" >/dev/null; then
    listening "$port"
  elif [[ $1 == postgresql ]]; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]]
  fi
}
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

drop_package() {
  local i
  for i in "${!packages[@]}"; do
    if [[ ${packages[$i]} == "$1" ]]; then unset "packages[$i]"; fi
  done
}

local_services=() # ours to install and start
answering=()      # already served on this machine, however it was installed: left alone
if ((${#services[@]})); then
  for service in "${services[@]}"; do
    url=$(service_url "$service")
    port=$(service_port "$service")
    if ! is_local_url "$url" "$port"; then
      say "$service: the tests use $(url_address "$url"), not this machine's:" \
        "neither installing nor starting it here."
      drop_package "$service"
    elif answers "$service"; then
      answering+=("$service")
      drop_package "$service"
    else
      local_services+=("$service")
    fi
  done
fi
packages=(${packages[@]+"${packages[@]}"})

# --- Packages: which are missing, and who can install them. ---
is_installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
  [[ $status == *" ok installed" ]]
}

can_be_root() { ((EUID == 0)) || { command -v sudo >/dev/null && sudo -n true 2>/dev/null; }; }
as_root() {
  if ((EUID == 0)); then "$@"; else sudo -n "$@"; fi
}

missing=()
for name in ${packages[@]+"${packages[@]}"}; do
  is_installed "$name" || missing+=("$name")
done
problems=0
installed_now=" "
# A PostgreSQL cluster that exists before we install anything is someone's: never touched.
clusters_before=$(ls "$pg_etc" 2>/dev/null || true)

if ((${#missing[@]})); then
  apt_command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $mode == check ]]; then
    say "missing Debian packages: ${missing[*]}"
    say "  install them, as root: $apt_command"
    problems=1
  elif can_be_root; then
    say "installing the missing Debian packages: ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq ||
      ! as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
      say "apt-get failed (above); fix that, or run as root: $apt_command"
      exit 1
    fi
    installed_now=" ${missing[*]} "
  else
    say "missing Debian packages: ${missing[*]}"
    say "this user cannot install them (not root, and no sudo without a password). As root, run:"
    echo "    $apt_command" >&2
    echo "  then run $who again." >&2
    exit 1
  fi
fi

# --- Services: start the local ones that are installed but do not answer. ---
# shellcheck disable=SC2012 # the entries are version numbers: ls is fine
pg_version() { ls "$pg_etc" 2>/dev/null | head -n1; }

# Debian's own cluster asks for a password over TCP; the tests connect as postgres to
# 127.0.0.1 without one. So, and ONLY for a cluster this script has just installed (this run
# installed postgresql and there was no cluster before; never one that someone set up and may
# rely on), trust the postgres user on the loopback addresses.
trust_local_postgres() {
  local version hba marker="# added by scripts/system-packages.sh for make test"
  version=$(pg_version)
  hba=$pg_etc/$version/main/pg_hba.conf
  if [[ -z $version ]] || ! as_root test -f "$hba"; then
    say "no cluster found in $pg_etc: not changing any authentication"
    return
  fi
  as_root grep -qF "$marker" "$hba" && return
  say "PostgreSQL $version was just installed: trusting the postgres user on 127.0.0.1 and ::1 ($hba)"
  as_root sed -i -e "1i $marker" -e "1i host all postgres 127.0.0.1/32 trust" \
    -e "1i host all postgres ::1/128 trust" "$hba"
  if answers postgresql; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
  fi
}

# Run a start command (as root when NEED_ROOT is yes), or say how to: in --check mode, or when
# this user cannot.
start_service() {
  local label=$1 need_root=$2 command
  shift 2
  command=$(printf '%q ' "$@")
  command=${command% }
  if [[ $mode == check ]]; then
    say "$label is installed but not answering; start it$([[ $need_root == yes ]] && echo ', as root'):"
    echo "    $command" >&2
    problems=1
  elif [[ $need_root == no ]]; then
    say "starting $label: $command"
    "$@"
  elif can_be_root; then
    say "starting $label: $command"
    as_root "$@"
  else
    say "$label is installed but not answering, and this user cannot start it. As root, run:"
    echo "    $command" >&2
    echo "  then run $who again." >&2
    exit 1
  fi
}

wait_for() {
  local label=$1 i
  shift
  for ((i = 0; i < 30; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 1
  done
  say "$label still does not answer after 30 s"
  exit 1
}

for service in ${local_services[@]+"${local_services[@]}"}; do
  is_installed "$service" || continue # --check: already reported missing
  case $service in
    postgresql)
      if [[ $installed_now == *" postgresql "* && -z $clusters_before ]]; then
        trust_local_postgres
      fi
      if ! answers postgresql; then
        version=$(pg_version)
        [[ -n $version ]] || { say "PostgreSQL is installed but has no cluster in $pg_etc"; exit 1; }
        start_service PostgreSQL yes pg_ctlcluster --skip-systemctl-redirect "$version" main start
        [[ $mode == check ]] || wait_for PostgreSQL answers postgresql
      fi
      ;;
    redis-server)
      if ! answers redis-server; then
        # Redis runs as whoever starts it, keeping nothing on disk: no root needed.
        start_service Redis no redis-server --daemonize yes --bind 127.0.0.1 --port 6379 \
          --save "" --appendonly no
        [[ $mode == check ]] || wait_for Redis answers redis-server
      fi
      ;;
  esac
done

if [[ $mode == check && $problems == 0 ]]; then
  message="nothing missing (${#packages[@]} Debian packages checked)"
  answering+=(${local_services[@]+"${local_services[@]}"})
  if ((${#answering[@]})); then message+="; answering: ${answering[*]}"; fi
  say "$message"
fi
exit "$problems"
