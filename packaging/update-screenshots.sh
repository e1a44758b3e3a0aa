#!/bin/sh
# Refreshes the README's screenshots: builds and runs the screenshot test (tests/gui/
# tst_screenshots.cpp: the demo workspace on a fixed clock, the Fusion style, the offscreen
# platform) in the dev build, then copies its PNGs into docs/screenshots/.
#   packaging/update-screenshots.sh
set -eu
cd "$(dirname "$0")/.."

shots=build/dev/tests/gui/screenshots
[ -f build/dev/CMakeCache.txt ] || cmake --preset dev
cmake --build --preset dev --target tst_screenshots
# Only this run's files are copied: a shot renamed or dropped since leaves no stale picture.
rm -f "$shots"/*.png
QT_QPA_PLATFORM=offscreen ./build/dev/tests/gui/tst_screenshots
mkdir -p docs/screenshots
cp "$shots"/*.png docs/screenshots/
ls -l docs/screenshots/
