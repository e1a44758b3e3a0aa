#!/bin/sh
# Generates batonctl's man pages and bash completion from the help of the batonctl just built,
# so they cannot drift from it:
#   batonctl-docs.sh BATONCTL OUTDIR VERSION
# writes OUTDIR/man1/batonctl.1.gz (the commands), OUTDIR/man1/batonctl-WORDS.1.gz for every
# command ("dc issue" -> batonctl-dc-issue.1.gz, git's layout, so `man batonctl-rotate` and
# apropos find each command) and OUTDIR/bash-completion/batonctl.
# Fails when any help cannot be read (batonctl-help.awk says which line).
set -eu

if [ $# -ne 3 ]; then
    echo "usage: $0 BATONCTL OUTDIR VERSION" >&2
    exit 2
fi
batonctl=$1
out=$2
version=$3
here=$(cd "$(dirname "$0")" && pwd)
parser=$here/batonctl-help.awk
tab=$(printf '\t')

# Reproducible builds pin the date; otherwise the pages carry the day they were built.
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
    date=$(date -u +%Y-%m-%d)
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/batonctl-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/man1" "$work/bash-completion"

# A clean environment: no display, D-Bus session or keyring is needed or touched, no XDG or Qt
# variable changes the text, and HOME='~' makes the default workspace read
# "~/.local/share/baton/workspace.baton" instead of the builder's home. Leak checking in a
# sanitizer build is the tests' business, not the documentation's.
help() {
    env -i PATH=/usr/bin:/bin HOME='~' LC_ALL=C.UTF-8 ASAN_OPTIONS=detect_leaks=0 \
        "$batonctl" "$@" --help
}

help > "$work/main.txt"
awk -v mode=commands -f "$parser" "$work/main.txt" > "$work/commands.tsv"
awk -v mode=main-man -v version="$version" -v date="$date" -f "$parser" "$work/main.txt" \
    > "$work/man1/batonctl.1"

# Split command words on spaces below, never glob them.
set -f
: > "$work/branches.bash"
first_words=""
groups=""
while IFS="$tab" read -r words summary; do
    # shellcheck disable=SC2086 # "dc issue" is two arguments
    help $words > "$work/command.txt"
    page=batonctl-$(printf '%s' "$words" | tr ' ' '-')
    awk -v mode=command-man -v words="$words" -v summary="$summary" -v version="$version" \
        -v date="$date" -f "$parser" "$work/command.txt" > "$work/man1/$page.1"
    awk -v mode=command-bash -v words="$words" -f "$parser" "$work/command.txt" \
        >> "$work/branches.bash"

    # shellcheck disable=SC2086 # the words, one argument each
    set -- $words
    case " $first_words " in *" $1 "*) ;; *) first_words="$first_words $1" ;; esac
    if [ $# -eq 2 ]; then
        case " $groups " in *" $1 "*) ;; *) groups="$groups $1" ;; esac
        eval "group_$(printf '%s' "$1" | tr '-' '_')=\"\${group_$(printf '%s' "$1" | tr '-' '_'):-} $2\""
    fi
done < "$work/commands.tsv"
set +f
first_words=${first_words# }
groups=${groups# }

# The completion tells a group ("dc" of "dc issue") from a command by its first word, so no
# word may be both.
while IFS="$tab" read -r words summary; do
    case "$words" in
    *" "*) ;;
    *) case " $groups " in *" $words "*)
        echo "batonctl-docs.sh: '$words' is both a command and a group of commands;" \
            "the completion cannot tell them apart" >&2
        exit 1 ;;
        esac ;;
    esac
done < "$work/commands.tsv"

for page in "$work"/man1/*.1; do
    gzip -9n "$page"
done

completion=$work/bash-completion/batonctl
{
    cat <<'EOF'
# bash completion for batonctl                                     -*- shell-script -*-
# Generated from batonctl's --help by packaging/docs/batonctl-docs.sh; do not edit.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)), as bash-completion's own scripts do

_batonctl()
{
    # shellcheck disable=SC2034 # split: set by _init_completion -s, kept local
    local cur prev words cword split
    _init_completion -s || return

    if ((cword == 1)); then
EOF
    printf "        COMPREPLY=(\$(compgen -W '%s --help' -- \"\$cur\"))\n" "$first_words"
    cat <<'EOF'
        return
    fi
    # The command is the first word, or the first two for a group ("dc issue").
    local command=${words[1]}
    case $command in
EOF
    printf '    %s)\n' "$(printf '%s' "$groups" | tr ' ' '|')"
    cat <<'EOF'
        if ((cword == 2)); then
            case $command in
EOF
    for group in $groups; do
        eval "subcommands=\${group_$(printf '%s' "$group" | tr '-' '_')}"
        # shellcheck disable=SC2154 # set by the eval above
        printf "            %s) COMPREPLY=(\$(compgen -W '%s' -- \"\$cur\")) ;;\n" \
            "$group" "${subcommands# }"
    done
    cat <<'EOF'
            esac
            return
        fi
        command+=" ${words[2]}"
        ;;
    esac

    local options arguments
    case $command in
EOF
    cat "$work/branches.bash"
    cat <<'EOF'
    *) return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$options" -- "$cur"))
    elif [[ $arguments == files ]]; then
        _filedir
    fi
} &&
    complete -F _batonctl batonctl

# ex: filetype=sh
EOF
} > "$completion"

# Replace the previous output whole: a command that is gone leaves no page behind.
mkdir -p "$out"
rm -rf "$out/man1" "$out/bash-completion"
mv "$work/man1" "$work/bash-completion" "$out/"
