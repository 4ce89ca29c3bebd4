#!/usr/bin/env bash
# Installs what ./run.sh and ./test.sh need and the machine lacks; silent when everything is present.
set -euo pipefail

missing=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || missing+=(postgresql-15)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
# The dashboard's browser test drives Debian's Chromium through Playwright (no browser download here).
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} …"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq
  # policy-rc.d on these machines keeps the packaged services from starting; the AppHost runs its own instances.
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# MailDev, the local SMTP server with a web UI (campaigns' e-mail adapter sends to it), into a project-local folder.
maildev_dir="$(dirname "$0")/../tools/maildev"
if [ ! -f "$maildev_dir/node_modules/maildev/dist/bin/maildev.js" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm (Node.js 20) is needed to install MailDev; install nodejs and npm and run again." >&2
    exit 1
  fi
  echo "Installing MailDev into tools/maildev …"
  (cd "$maildev_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK (dotnet) is not on PATH; install it from https://dot.net and run again." >&2
  exit 1
fi
