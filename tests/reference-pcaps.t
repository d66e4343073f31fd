#!/bin/bash
# SPDX-License-Identifier: MIT
# The regression suite of the reference captures (as tcpdump keeps one): every bundled
# scenario rerun gives pcaps and key tables byte-identical to pcaps/ (scripts/reference-pcaps).
exec "$(cd "$(dirname "$0")/.." && pwd)/scripts/reference-pcaps" check
