#!/bin/bash
# The "packaging" test (tests/packaging/CMakeLists.txt), on a built tree:
#   check-packages.sh BUILD_DIR SOURCE_DIR VERSION CMAKE CPACK
# 1. `cmake --install` into a scratch prefix (with a space in its path: any prefix must work),
#    whole and per component: exactly the expected files.
# 2. What Debian's tools can validate there: the systemd units, man pages, bash completion,
#    .desktop file, AppStream metainfo and MIME types.
# 3. `cpack -G DEB`: both packages' file lists and control fields (batonctl depending on no
#    GUI library, even indirectly), and lintian with no error.
# A check whose tool is not installed says SKIP, and the test then exits 77 (ctest: skipped)
# rather than pass; any failed check makes it exit 1. Every check runs either way.
set -uo pipefail

if [[ $# -ne 5 ]]; then
    echo "usage: $0 BUILD_DIR SOURCE_DIR VERSION CMAKE CPACK" >&2
    exit 2
fi
build=$1
source=$2
version=$3
cmake=$4
cpack=$5

work=$(mktemp -d "${TMPDIR:-/tmp}/baton-packaging.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
skips=()

step() { printf '\n== %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*"
    failures=$((failures + 1))
}
skip() {
    printf 'SKIP: %s\n' "$*"
    skips+=("$*")
}
have() { command -v "$1" >/dev/null 2>&1; }

# check WHAT quiet|any COMMAND...: runs COMMAND and shows what it said. Fails when it exits
# non-zero, or with "quiet" when it says anything at all (a warning is a failure).
check() {
    local what=$1 mode=$2 output status
    shift 2
    output=$("$@" 2>&1)
    status=$?
    [[ -n $output ]] && printf '%s\n' "$output" | sed 's/^/    /'
    if ((status != 0)); then
        fail "$what (exit status $status)"
    elif [[ $mode == quiet && -n $output ]]; then
        fail "$what (expected no output)"
    else
        ok "$what"
    fi
}

# same WHAT EXPECTED_FILE ACTUAL_FILE: the two sorted lists must be equal.
same() {
    if diff -u <(sort "$2") <(sort "$3") > "$work/diff"; then
        ok "$1"
    else
        sed 's/^/    /' "$work/diff"
        fail "$1 (- expected, + found)"
    fi
}

# Files and symbolic links under a directory, relative to it.
list_tree() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||'); }

prefix="$work/any prefix"
arch=$(dpkg --print-architecture)

# ---- 1. cmake --install -----------------------------------------------------------------------

step "cmake --install into '$prefix'"
if ! "$cmake" --install "$build" --prefix "$prefix" > "$work/install.log" 2>&1; then
    cat "$work/install.log"
    fail "cmake --install (is everything built? the test needs the whole tree)"
    exit 1
fi
ok "cmake --install"

# The commands as batonctl's help lists them, read as the man page generator reads them: one
# page per command, whatever the commands are.
if ! env -i PATH=/usr/bin:/bin HOME=/nonexistent LC_ALL=C.UTF-8 "$prefix/bin/batonctl" --help |
    awk -v mode=commands -f "$source/packaging/docs/batonctl-help.awk" | cut -f1 \
        > "$work/commands" || [[ ! -s $work/commands ]]; then
    fail "reading the commands from batonctl --help"
fi

{
    printf '%s\n' bin/batonctl \
        lib/systemd/system/baton-rotate.service lib/systemd/system/baton-rotate.timer \
        share/bash-completion/completions/batonctl \
        share/doc/batonctl/changelog.Debian.gz share/doc/batonctl/copyright \
        share/doc/batonctl/examples/baton-rotate.env \
        share/man/man1/batonctl.1.gz
    sed 's|^|share/man/man1/batonctl-|; s| |-|g; s|$|.1.gz|' "$work/commands"
} > "$work/expected-batonctl"
printf '%s\n' bin/baton \
    share/applications/dev.baton.Baton.desktop \
    share/doc/baton/changelog.Debian.gz share/doc/baton/copyright \
    share/icons/hicolor/scalable/apps/dev.baton.Baton.svg \
    share/man/man1/baton.1.gz \
    share/metainfo/dev.baton.Baton.metainfo.xml \
    share/mime/packages/dev.baton.Baton.xml > "$work/expected-baton"

cat "$work/expected-batonctl" "$work/expected-baton" > "$work/expected-all"
list_tree "$prefix" > "$work/installed-all"
same "installed files" "$work/expected-all" "$work/installed-all"
for component in batonctl baton; do
    if "$cmake" --install "$build" --component "$component" --prefix "$work/$component" \
        > "$work/install-$component.log" 2>&1; then
        list_tree "$work/$component" > "$work/installed-$component"
        same "component $component" "$work/expected-$component" "$work/installed-$component"
    else
        cat "$work/install-$component.log"
        fail "cmake --install --component $component"
    fi
done

# ---- 2. what the installed files say ----------------------------------------------------------

step "systemd units"
units="$prefix/lib/systemd/system"
# The prefix has a space: the path is quoted, as systemd reads it.
if grep -qxF "ExecStart=\"$prefix/bin/batonctl\" rotate \$BATON_ROTATE_OPTIONS" \
    "$units/baton-rotate.service"; then
    ok "ExecStart runs this prefix's batonctl"
else
    grep '^ExecStart' "$units/baton-rotate.service"
    fail "ExecStart does not run $prefix/bin/batonctl rotate"
fi
for setting in OnCalendar=hourly RandomizedDelaySec= Persistent=yes WantedBy=timers.target; do
    grep -q "^$setting" "$units/baton-rotate.timer" || fail "baton-rotate.timer lacks $setting"
done
grep -q '^EnvironmentFile=/etc/default/baton-rotate$' "$units/baton-rotate.service" ||
    fail "baton-rotate.service does not read /etc/default/baton-rotate"
# The example sets only variables that batonctl documents, so the two cannot drift apart.
env_example="$prefix/share/doc/batonctl/examples/baton-rotate.env"
rotate_help=$("$prefix/bin/batonctl" rotate --help)
for variable in $(sed -n 's/^\(BATON_[A-Z_]*\)=.*/\1/p' "$env_example"); do
    if [[ $rotate_help == *"\$$variable"* ]]; then
        ok "the example's $variable is in batonctl rotate --help"
    else
        fail "the example sets $variable, which batonctl rotate --help does not mention"
    fi
done
if have systemd-analyze; then
    # MANPATH: Documentation=man:... must name pages that exist.
    check "systemd-analyze verify" quiet env MANPATH="$prefix/share/man" \
        systemd-analyze verify "$units/baton-rotate.service" "$units/baton-rotate.timer"
else
    skip "systemd-analyze verify: systemd-analyze is not installed (Debian: systemd)"
fi

step "man pages"
for page in "$prefix"/share/man/man1/*.gz; do
    name=$(basename "$page")
    gzip -t "$page" || fail "$name is not a valid gzip file"
    if have groff; then
        check "$name: groff -man -ww" quiet sh -c 'zcat "$1" | groff -man -ww -z' sh "$page"
    fi
    if have lexgrog; then
        # The NAME line, as whatis and apropos read it.
        check "$name: lexgrog" any lexgrog "$page"
    fi
done
have groff || skip "man pages: groff is not installed (Debian: groff-base)"
have lexgrog || skip "man pages' NAME lines: lexgrog is not installed (Debian: man-db)"
# The variables batonctl reads, in the section man(7) readers look for them.
environment=$(zcat "$prefix/share/man/man1/batonctl.1.gz" |
    awk '/^\.SH /{in_section = ($2 == "ENVIRONMENT"); next} in_section')
if [[ $environment == *BATON_WORKSPACE* && $environment == *BATON_PASSPHRASE_FILE* ]]; then
    ok "batonctl.1: ENVIRONMENT names BATON_WORKSPACE and BATON_PASSPHRASE_FILE"
else
    fail "batonctl.1: no ENVIRONMENT section naming BATON_WORKSPACE and BATON_PASSPHRASE_FILE"
fi

step "bash completion"
completion="$prefix/share/bash-completion/completions/batonctl"
check "bash -n" quiet bash -n "$completion"
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
    # complete WORDS...: what completing the last word offers.
    cat > "$work/complete.bash" <<'EOF'
source /usr/share/bash-completion/bash_completion
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
_batonctl batonctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[*]}"
EOF
    complete_words() { (cd "$work" && bash "$work/complete.bash" "$completion" "$@"); }
    expect_completion() {
        local expected=$1 found
        shift
        found=$(complete_words "$@" 2>&1)
        if [[ $found == "$expected" ]]; then
            ok "completing '$*' offers '$expected'"
        else
            fail "completing '$*' offers '$found', not '$expected'"
        fi
    }
    expect_completion "issue verify" batonctl dc ""
    expect_completion "--dry-run" batonctl rotate --dr
    expect_completion "ed25519 ed448" batonctl dc issue --dc-alg ed
    first_words=$(cut -d' ' -f1 "$work/commands" | awk '!seen[$0]++' | tr '\n' ' ')
    expect_completion "${first_words}--help" batonctl ""
else
    skip "bash completion: bash-completion is not installed, so only its syntax was checked"
fi

step "desktop file, AppStream metainfo, MIME types"
desktop="$prefix/share/applications/dev.baton.Baton.desktop"
if have desktop-file-validate; then
    check "desktop-file-validate" quiet desktop-file-validate "$desktop"
else
    skip "desktop-file-validate is not installed (Debian: desktop-file-utils)"
fi
grep -qx 'Exec=baton %F' "$desktop" || fail "the .desktop file does not run 'baton %F'"
if have appstreamcli; then
    # The metainfo together with the .desktop file it launches and the icon.
    check "appstreamcli validate-tree --no-net" any appstreamcli validate-tree --no-net "$prefix"
else
    skip "appstreamcli is not installed (Debian: appstream)"
fi
if have update-mime-database; then
    # The MIME database the installed package would make, in a scratch directory.
    mkdir -p "$work/mime-data/mime/packages"
    cp "$prefix/share/mime/packages/dev.baton.Baton.xml" "$work/mime-data/mime/packages/"
    [[ -r /usr/share/mime/packages/freedesktop.org.xml ]] &&
        cp /usr/share/mime/packages/freedesktop.org.xml "$work/mime-data/mime/packages/"
    check "update-mime-database" quiet env XDG_DATA_DIRS="$work/mime-data" \
        update-mime-database "$work/mime-data/mime"
    # Every type the .desktop file claims exists, but gcr's (GNOME's crypto types), which are
    # there only where gcr is installed.
    for type in $(sed -n 's/^MimeType=//p' "$desktop" | tr ';' ' '); do
        case $type in
        application/x-pem-file | application/pkix-cert+pem | application/pkcs8+pem | \
            application/x-pem-key) continue ;;
        esac
        grep -qxF "$type" "$work/mime-data/mime/types" ||
            grep -q "^$type " "$work/mime-data/mime/aliases" ||
            fail "the .desktop file claims $type, which no MIME package defines"
    done
    if have gio; then
        # Real files, named so that no glob decides: the magic must.
        mkdir "$work/files"
        HOME="$work" "$prefix/bin/batonctl" ws init --workspace "$work/files/workspace" \
            --passphrase pass:packaging > /dev/null 2>&1 ||
            fail "batonctl ws init (for a workspace to recognise)"
        printf -- '-----BEGIN DELEGATED CREDENTIAL-----\nAAAA\n-----END DELEGATED CREDENTIAL-----\n' \
            > "$work/files/pem-dc"
        cp "$work/files/pem-dc" "$work/files/x.dc"
        for file_type in workspace:application/x-baton-workspace \
            pem-dc:application/x-delegated-credential x.dc:application/x-delegated-credential; do
            file=${file_type%%:*}
            found=$(XDG_DATA_HOME="$work/mime-data" XDG_DATA_DIRS="$work/mime-data" \
                gio info -a standard::content-type "$work/files/$file" 2>&1 |
                sed -n 's/^ *standard::content-type: //p')
            if [[ $found == "${file_type#*:}" ]]; then
                ok "$file is $found"
            else
                fail "$file is '$found', not ${file_type#*:}"
            fi
        done
    else
        skip "gio is not installed (Debian: libglib2.0-bin): no file was typed by its content"
    fi
else
    skip "update-mime-database is not installed (Debian: shared-mime-info)"
fi

# ---- 3. the Debian packages -------------------------------------------------------------------

step "cpack -G DEB"
if ! "$cpack" --config "$build/CPackConfig.cmake" -G DEB -B "$work/packages" \
    > "$work/cpack.log" 2>&1; then
    cat "$work/cpack.log"
    fail "cpack -G DEB"
    exit 1
fi
ok "cpack -G DEB"

# Depends, for a whole dependency tree: the package names, without versions or alternatives.
names() { tr ',|' '\n\n' | sed 's/(.*//; s/ //g' | grep -v '^$'; }
# No display stack, toolkit or GPU library; a -bin, -data or -common package of them would
# show up through the library.
gui='^(libqt6(gui|widgets|svg|opengl|openglwidgets|waylandclient|xcbqpa|quick|qml)[0-9]*|libx11-.*|libxcb.*|libxkbcommon.*|libgl1.*|libglx.*|libegl.*|libgles.*|libopengl.*|libvulkan.*|libwayland-.*|libdrm.*|libgtk.*|libgdk.*|libfontconfig.*|libfreetype.*|libharfbuzz.*|libcairo.*|qt6-qpa-plugins|qt6-wayland|libkf5.*|libkf6.*)$'

for package in batonctl baton; do
    deb="$work/packages/${package}_${version}-1_${arch}.deb"
    step "$package package"
    if [[ ! -f $deb ]]; then
        ls "$work/packages"
        fail "no $(basename "$deb")"
        continue
    fi
    field() { dpkg-deb -f "$deb" "$1"; }
    dpkg-deb -f "$deb" | sed 's/^/    /'

    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\.\/usr\//, "", $6); print $6 }' \
        > "$work/packaged-$package"
    same "files in $package" "$work/expected-$package" "$work/packaged-$package"

    [[ $(field Package) == "$package" ]] || fail "Package: $(field Package)"
    [[ $(field Version) == "$version-1" ]] || fail "Version: $(field Version), not $version-1"
    [[ $(field Section) == utils ]] || fail "Section: $(field Section), not utils"
    [[ $(field Maintainer) == "Baton developers <baton@baton.dev>" ]] ||
        fail "Maintainer: $(field Maintainer)"
    description=$(field Description)
    synopsis=${description%%$'\n'*}
    if [[ -z $synopsis || ${#synopsis} -gt 80 || $(wc -l <<< "$description") -lt 4 ||
        $description != *"delegated credential (DC) is"* ]]; then
        fail "Description: a synopsis and a long description saying what a DC is"
    else
        ok "Description: $synopsis"
    fi
    depends=$(field Depends)
    for needed in libc6 libqt6core6 libqt6sql6 libqt6sql6-sqlite libssl3; do
        names <<< "$depends" | grep -qx "$needed" || fail "Depends lacks $needed"
    done
    if [[ $package == batonctl ]]; then
        if names <<< "$depends" | grep -E "$gui"; then
            fail "batonctl depends on GUI libraries (above)"
        else
            ok "batonctl depends on no GUI library"
        fi
        # And not through its dependencies either (Depends and Pre-Depends, all alternatives).
        if have apt-cache && apt-cache show libqt6core6 > /dev/null 2>&1; then
            # shellcheck disable=SC2046 # one argument per package
            apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
                --no-breaks --no-replaces --no-enhances $(names <<< "$depends") 2> /dev/null |
                grep -v '^ ' | tr -d '<>' | sort -u > "$work/closure"
            if grep -E "$gui" "$work/closure"; then
                fail "batonctl's dependencies pull in GUI libraries (above)"
            else
                ok "none of batonctl's $(wc -l < "$work/closure") dependencies (recursively)" \
                    "is a GUI library"
            fi
        else
            skip "batonctl's dependency tree: apt-cache knows no packages (run apt-get update)"
        fi
        dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/baton-rotate.service |
            grep -qx 'ExecStart=/usr/bin/batonctl rotate $BATON_ROTATE_OPTIONS' ||
            fail "the packaged service does not run /usr/bin/batonctl rotate"
    else
        for needed in libqt6gui6 libqt6widgets6 libqt6svg6; do
            names <<< "$depends" | grep -qx "$needed" || fail "Depends lacks $needed"
        done
    fi
done

step "lintian"
if have lintian; then
    # Errors fail the test; warnings and notes are shown (and the note that CI runs it as root).
    # One run for both packages: lintian's start-up is a good part of its time.
    check "lintian" any lintian --fail-on error --display-info \
        "$work/packages/"{batonctl,baton}_"$version-1_$arch.deb"
else
    skip "lintian is not installed (Debian: lintian)"
fi

# ---- verdict ----------------------------------------------------------------------------------

echo
if ((failures > 0)); then
    echo "$failures check(s) failed"
    exit 1
fi
if ((${#skips[@]} > 0)); then
    echo "Every check that ran passed, but ${#skips[@]} could not run:"
    printf '  %s\n' "${skips[@]}"
    exit 77
fi
echo "All packaging checks passed"
