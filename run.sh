#!/usr/bin/env bash
# Starts the whole system locally: PostgreSQL, Redis, RabbitMQ, the five services and the gateway on http://localhost:5000.
# Ctrl-C stops all of it. `./run.sh --fresh` wipes the data in .data/ first; `./run.sh token <role>` prints a token.
set -euo pipefail
cd "$(dirname "$0")"

apphost=AppHost/bin/Release/net10.0/CustomerBase.AppHost.dll
# `./run.sh token <role>` only prints a development token: no need to build again while the system runs.
if [ "${1:-}" = "token" ] && [ -f "$apphost" ]; then
  exec dotnet "$apphost" "$@"
fi

./scripts/install-prerequisites.sh
echo "Building (Release) …" >&2
dotnet build CustomerBase.sln -c Release --nologo -v quiet -clp:NoSummary 1>&2
exec dotnet "$apphost" "$@"
