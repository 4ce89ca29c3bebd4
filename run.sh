#!/usr/bin/env bash
# Starts the whole system locally: PostgreSQL, Redis, RabbitMQ, the five services and the gateway on http://localhost:5000.
# Ctrl-C stops all of it. `./run.sh --fresh` wipes the data in .data/ first.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-prerequisites.sh
echo "Building (Release) …" >&2
dotnet build CustomerBase.sln -c Release --nologo -v quiet -clp:NoSummary 1>&2
exec dotnet AppHost/bin/Release/net10.0/CustomerBase.AppHost.dll "$@"
