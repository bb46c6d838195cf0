#!/usr/bin/env bash
# LibreOffice, CJK fonts, poppler (pdftotext, pdftoppm) and pandoc for the Word checks (Debian).
# Skipped when already present.
set -euo pipefail
if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
  && command -v pandoc >/dev/null 2>&1 && fc-list :lang=zh | grep -q .; then exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  libreoffice-writer-nogui fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-gkai00mp \
  poppler-utils pandoc >/dev/null
