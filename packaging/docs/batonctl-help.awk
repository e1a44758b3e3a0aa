# Reads batonctl's own --help output (QCommandLineParser's layout) and writes, depending on
# -v mode=...:
#   commands      from `batonctl --help`: one "WORDS<TAB>SUMMARY" line per command
#   main-man      from `batonctl --help`: the roff source of batonctl(1)
#   command-man   from `batonctl WORDS --help`: the roff source of batonctl-WORDS(1)
#   command-bash  from `batonctl WORDS --help`: that command's branch of the bash completion
# Other variables: words, summary (command-*), version, date (*-man).
#
# Driven by batonctl-docs.sh at build time, so the man pages and the completion say what the
# binary says. Anything it cannot read is an error (exit 1): a changed help layout must fail
# the build, not ship a page with holes. POSIX awk only (Debian's default awk is mawk).

function fail(message) {
    printf "batonctl-help.awk (%s%s): %s\n", mode, (words == "" ? "" : ", " words), message \
        > "/dev/stderr"
    failed = 1
    exit 1
}

function trim(s) {
    sub(/^[ \t]+/, "", s)
    sub(/[ \t]+$/, "", s)
    return s
}

# Text for roff: backslashes and minus signs escaped (an unescaped "-" may print as a hyphen
# that cannot be pasted into a shell), and no line may start with a control character.
function roff(s) {
    gsub(/\\/, "\\\\e", s)
    gsub(/-/, "\\-", s)
    if (s ~ /^[.']/)
        s = "\\&" s
    return s
}

# "-h, --help" -> "\fB\-h\fR, \fB\-\-help\fR"
function roffNames(spec,    n, parts, i, out) {
    n = split(spec, parts, /, /)
    out = ""
    for (i = 1; i <= n; i++)
        out = out (i > 1 ? ", " : "") "\\fB" roff(parts[i]) "\\fR"
    return out
}

# Splits an entry line of an Options: or Arguments: list ("  NAME <VALUE>   Description") into
# entryHead and entryText. The two are separated by at least two spaces; a head too long for
# its column stands alone and its text follows on the indented lines below.
function splitEntry(line,    rest) {
    rest = substr(line, 3)
    if (match(rest, /   */) && RSTART > 1 && RLENGTH >= 2) {
        entryHead = substr(rest, 1, RSTART - 1)
        entryText = trim(substr(rest, RSTART + RLENGTH))
    } else {
        entryHead = trim(rest)
        entryText = ""
    }
}

function appendText(old, more) {
    return old == "" ? more : old " " more
}

# ---- parsing ----------------------------------------------------------------------------------

BEGIN {
    if (mode !~ /^(commands|main-man|command-man|command-bash)$/)
        fail("unknown mode '" mode "'")
    section = "start"
    nCommands = nParagraphs = nOptions = nArguments = nTrailer = 0
}

mode == "commands" || mode == "main-man" {
    if (NR == 1) {
        if ($0 !~ /^Usage: batonctl /)
            fail("the first line is not 'Usage: batonctl ...': " $0)
        mainUsage = substr($0, 8)
        next
    }
    if ($0 == "Commands:") {
        section = "commands"
        next
    }
    if (section == "start") {
        if ($0 != "")
            description = appendText(description, trim($0))
        next
    }
    if (section == "commands") {
        if ($0 == "") {
            section = "trailer"
            next
        }
        if ($0 !~ /^  [a-z]/)
            fail("not a command line: " $0)
        commandLine[++nCommands] = $0
        next
    }
    # After the command list: notes, one paragraph per sentence group; a line that does not
    # end a sentence (the help wraps one) continues the previous paragraph.
    if ($0 == "")
        next
    if (nTrailer > 0 && trailer[nTrailer] !~ /[.:]$/)
        trailer[nTrailer] = trailer[nTrailer] " " $0
    else
        trailer[++nTrailer] = $0
    next
}

# A command's help: "Usage: ARGV0 [options] ARGS", the description (one paragraph a line),
# a blank line, "Options:" with its entries, and maybe "Arguments:" with its entries.
{
    if (NR == 1) {
        if ($0 !~ /^Usage: /)
            fail("the first line is not 'Usage: ...': " $0)
        usageArgs = $0
        if (!sub(/^Usage: [^ ]* \[options\]/, "", usageArgs))
            fail("no '[options]' in the usage line: " $0)
        usageArgs = trim(usageArgs)
        next
    }
    if (section == "start") {
        if ($0 == "")
            section = "gap"
        else
            paragraph[++nParagraphs] = trim($0)
        next
    }
    if ($0 == "Options:") {
        section = "options"
        next
    }
    if ($0 == "Arguments:") {
        section = "arguments"
        next
    }
    if ($0 == "")
        next
    if (section == "options") {
        if ($0 ~ /^  -/) {
            splitEntry($0)
            ++nOptions
            optionValue[nOptions] = ""
            if (match(entryHead, / <[^>]*>$/)) {
                optionValue[nOptions] = substr(entryHead, RSTART + 2, RLENGTH - 3)
                entryHead = substr(entryHead, 1, RSTART - 1)
            }
            if (entryHead !~ /^-[-a-zA-Z0-9]+(, -[-a-zA-Z0-9]+)*$/)
                fail("cannot read the option names in: " $0)
            optionNames[nOptions] = entryHead
            optionText[nOptions] = entryText
        } else if ($0 ~ /^    / && nOptions > 0) {
            optionText[nOptions] = appendText(optionText[nOptions], trim($0))
        } else {
            fail("not an option line: " $0)
        }
        next
    }
    if (section == "arguments") {
        if ($0 ~ /^  [^ ]/) {
            splitEntry($0)
            ++nArguments
            argumentName[nArguments] = entryHead
            argumentText[nArguments] = entryText
        } else if ($0 ~ /^    / && nArguments > 0) {
            argumentText[nArguments] = appendText(argumentText[nArguments], trim($0))
        } else {
            fail("not an argument line: " $0)
        }
        next
    }
    fail("unexpected line: " $0)
}

# ---- output -----------------------------------------------------------------------------------

# Commands are listed as "  WORDS   SUMMARY" with the summaries in one column, which the
# longest command's single space places: every other line shows it as the end of a wider gap.
function commandColumn(    i, line, column, c) {
    column = 0
    for (i = 1; i <= nCommands; i++) {
        line = substr(commandLine[i], 3)
        if (match(line, /[^ ]   *[^ ]/) && RLENGTH > 3) {
            c = RSTART + RLENGTH - 1
            if (column == 0 || c > column)
                column = c
        }
    }
    if (column == 0)
        fail("cannot find the summary column of the command list")
    return column
}

function splitCommands(    i, column, line) {
    if (nCommands == 0)
        fail("no 'Commands:' list")
    column = commandColumn()
    for (i = 1; i <= nCommands; i++) {
        line = substr(commandLine[i], 3)
        commandWords[i] = trim(substr(line, 1, column - 1))
        commandSummary[i] = trim(substr(line, column))
        if (commandWords[i] !~ /^[a-z][-a-z0-9]*( [a-z][-a-z0-9]*)?$/ || commandSummary[i] == "" ||
            substr(line, column - 1, 1) != " ")
            fail("cannot split the command line: " commandLine[i])
    }
}

function header(name) {
    print ".\\\" Generated from batonctl's --help by packaging/docs/batonctl-docs.sh; do not edit."
    printf ".TH \"%s\" 1 \"%s\" \"batonctl %s\" \"Baton Manual\"\n", toupper(roff(name)), date, \
        version
    # Command and option names are not to be hyphenated or stretched at the line ends.
    print ".nh"
    print ".ad l"
}

function pageName(commandWords,    name) {
    name = "batonctl-" commandWords
    gsub(/ /, "-", name)
    return name
}

# The trailer note that starts with `prefix`, as the section `title`; a missing one fails.
function trailerSection(prefix, title,    i) {
    for (i = 1; i <= nTrailer; i++) {
        if (index(trailer[i], prefix) == 1) {
            print ".SH " title
            print roff(substr(trailer[i], length(prefix) + 1))
            return
        }
    }
    fail("no '" prefix "...' note after the command list")
}

function mainMan(    i, text, program) {
    splitCommands()
    if (description == "")
        fail("no description before the command list")
    # "Baton: issue, verify ..." names the project; the page's NAME line names the program.
    text = description
    sub(/^Baton: /, "", text)
    sub(/\.$/, "", text)
    header("batonctl")
    print ".SH NAME"
    print "batonctl \\- " roff(text)
    print ".SH SYNOPSIS"
    program = mainUsage
    sub(/^batonctl /, "", program)
    print "\\fBbatonctl\\fR " roffUsage(program)
    print ".br"
    print "\\fBbatonctl\\fR \\fICOMMAND\\fR \\fB\\-\\-help\\fR"
    print ".SH DESCRIPTION"
    print roff(description)
    print ".SH COMMANDS"
    for (i = 1; i <= nCommands; i++) {
        print ".TP"
        print "\\fB" roff(commandWords[i]) "\\fR"
        print roff(commandSummary[i]) "; see"
        print ".BR " roff(pageName(commandWords[i])) " (1)."
    }
    # "Environment: ..." and "Exit status: ..." notes become sections of their own.
    for (i = 1; i <= nTrailer; i++) {
        if (trailer[i] ~ /^(Environment|Exit status): /)
            continue
        print ".PP"
        print roff(trailer[i])
    }
    trailerSection("Environment: ", "ENVIRONMENT")
    trailerSection("Exit status: ", "\"EXIT STATUS\"")
    # Not in the help: what the package adds around the program.
    print ".SH FILES"
    print ".TP"
    print ".I /etc/default/baton\\-rotate"
    print "The environment of \\fBbaton\\-rotate.service\\fR, which \\fBbaton\\-rotate.timer\\fR"
    print "starts every hour to run \\fBbatonctl rotate\\fR: the workspace"
    print "(\\fBBATON_WORKSPACE\\fR) and the file holding its passphrase"
    print "(\\fBBATON_PASSPHRASE_FILE\\fR). An annotated example,"
    print "\\fIbaton\\-rotate.env\\fR, is in the \\fIexamples\\fR folder of batonctl's documentation."
    print ".SH \"SEE ALSO\""
    for (i = 1; i <= nCommands; i++)
        print ".BR " roff(pageName(commandWords[i])) " (1),"
    print ".BR baton (1),"
    print ".BR systemd.timer (5)"
}

# "COMMAND [OPTIONS]" or "FILE..." -> italics for placeholders, brackets and dots as they are.
function roffUsage(s,    n, parts, i, out, word) {
    n = split(s, parts, / /)
    out = ""
    for (i = 1; i <= n; i++) {
        word = parts[i]
        if (word ~ /^\[.*\]$/)
            word = "[\\fI" roff(substr(word, 2, length(word) - 2)) "\\fR]"
        else if (word ~ /\.\.\.$/)
            word = "\\fI" roff(substr(word, 1, length(word) - 3)) "\\fR..."
        else
            word = "\\fI" roff(word) "\\fR"
        out = out (i > 1 ? " " : "") word
    }
    return out
}

function commandMan(    i, name, exitStatus) {
    if (nOptions == 0)
        fail("no options (not even --help): not a command's help")
    if (nParagraphs == 0)
        fail("no description")
    name = pageName(words)
    header(name)
    print ".SH NAME"
    # Plain hyphens in the NAME line: lexgrog (whatis, apropos) reads it literally.
    print name " \\- " roff(summary)
    print ".SH SYNOPSIS"
    print "\\fBbatonctl " roff(words) "\\fR [\\fIOPTIONS\\fR]" \
        (usageArgs == "" ? "" : " " roffUsage(usageArgs))
    print ".SH DESCRIPTION"
    exitStatus = ""
    for (i = 1; i <= nParagraphs; i++) {
        if (paragraph[i] ~ /^Exit status: /) {
            exitStatus = substr(paragraph[i], 14)
            continue
        }
        if (i > 1)
            print ".PP"
        print roff(paragraph[i])
    }
    print ".SH OPTIONS"
    for (i = 1; i <= nOptions; i++) {
        print ".TP"
        print roffNames(optionNames[i]) \
            (optionValue[i] == "" ? "" : " \\fI" roff(optionValue[i]) "\\fR")
        print roff(optionText[i])
    }
    if (nArguments > 0) {
        print ".SH ARGUMENTS"
        for (i = 1; i <= nArguments; i++) {
            print ".TP"
            print "\\fI" roff(argumentName[i]) "\\fR"
            print roff(argumentText[i])
        }
    }
    if (exitStatus != "") {
        print ".SH \"EXIT STATUS\""
        print roff(exitStatus)
    }
    print ".SH \"SEE ALSO\""
    print ".BR batonctl (1)"
}

# A plain list of words the help enumerates for a value ("Key algorithm: a, b, c (default a)."),
# or "" when the text is prose: completion offers only what the help names literally.
# The list must end the sentence or be followed by a parenthesis: "90m, 6h, 2d, 1d12h or
# seconds" are examples, not the choices.
function enumeration(text,    list, n, items, i, out, after) {
    if (!match(text, /: [a-z0-9][-a-z0-9]*(, [a-z0-9][-a-z0-9]*)+/))
        return ""
    list = substr(text, RSTART + 2, RLENGTH - 2)
    after = substr(text, RSTART + RLENGTH)
    if (after != "" && after !~ /^(\.|;| \()/)
        return ""
    n = split(list, items, /, /)
    out = ""
    for (i = 1; i <= n; i++)
        out = out (i > 1 ? " " : "") items[i]
    return out
}

function shellWords(spec,    s) {
    s = spec
    gsub(/, /, " ", s)
    return s
}

function commandBash(    i, names, choices, files, dirs, programs, none, arguments, n, parts) {
    if (nOptions == 0)
        fail("no options (not even --help): not a command's help")
    names = files = dirs = programs = none = ""
    for (i = 1; i <= nOptions; i++) {
        names = names (names == "" ? "" : " ") shellWords(optionNames[i])
        if (optionValue[i] == "")
            continue
        n = split(optionNames[i], parts, /, /)
        choices = enumeration(optionText[i])
        if (choices != "") {
            enumerated[++nEnumerated] = parts[n] ") COMPREPLY=($(compgen -W '" choices \
                "' -- \"$cur\")); return ;;"
        } else if (optionValue[i] ~ /^(CERT|KEY|DC|FILE|PATH)$/) {
            files = files (files == "" ? "" : "|") parts[n]
        } else if (optionValue[i] == "DIR") {
            dirs = dirs (dirs == "" ? "" : "|") parts[n]
        } else if (optionValue[i] == "CMD") {
            programs = programs (programs == "" ? "" : "|") parts[n]
        } else {
            none = none (none == "" ? "" : "|") parts[n]
        }
    }
    # Positional FILE, DC or PATH arguments are files; CERT, OLD and NEW name workspace
    # certificates, which completion cannot list without the passphrase.
    arguments = (usageArgs ~ /(^| )(FILE|DC|PATH)(\.\.\.)?( |$)/) ? "files" : ""
    print "    '" words "')"
    print "        options='" names "'"
    print "        arguments=" arguments
    print "        case $prev in"
    if (files != "")
        print "        " files ") _filedir; return ;;"
    if (dirs != "")
        print "        " dirs ") _filedir -d; return ;;"
    if (programs != "")
        print "        " programs ") COMPREPLY=($(compgen -c -- \"$cur\")); return ;;"
    for (i = 1; i <= nEnumerated; i++)
        print "        " enumerated[i]
    if (none != "")
        print "        " none ") return ;;"
    print "        esac"
    print "        ;;"
}

END {
    if (failed)
        exit 1
    if (mode == "commands") {
        splitCommands()
        for (i = 1; i <= nCommands; i++)
            print commandWords[i] "\t" commandSummary[i]
    } else if (mode == "main-man") {
        mainMan()
    } else if (mode == "command-man") {
        commandMan()
    } else {
        commandBash()
    }
}
