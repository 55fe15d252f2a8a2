# Shared helpers of scripts/*: source it (bash). Every failure is one line on stderr.
# shellcheck shell=bash

ROOT=$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ROOT

die() {
    echo "code-proxy: $*" >&2
    exit 1
}

note() {
    echo "code-proxy: $*" >&2
}

# The Java release the build compiles for (maven.compiler.release of the root pom), else 21.
min_jdk() {
    local r
    r=$(sed -n 's:.*<maven.compiler.release>\([0-9][0-9]*\)</maven.compiler.release>.*:\1:p' "$ROOT/pom.xml" 2>/dev/null | head -n 1)
    echo "${r:-21}"
}

# The feature release of the JDK at $1 (e.g. 25), or nothing when it is not a usable JDK
# (java, javac and jlink are all needed).
jdk_major() {
    local home=$1 v=""
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] && [ -x "$home/bin/jlink" ] || return 1
    if [ -f "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "$v" ]; then
        v=$("$home/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    v=${v#1.}
    v=${v%%[!0-9]*}
    [ -n "$v" ] && echo "$v"
}

# Exports JAVA_HOME as a JDK >= min_jdk: $JAVA_HOME when it is one, else the JDK of that
# release under /usr/lib/jvm (or macOS's JavaVirtualMachines), else the newest newer one.
find_jdk() {
    local min best="" best_v=0 home v
    min=$(min_jdk)
    if [ -n "${JAVA_HOME:-}" ]; then
        v=$(jdk_major "$JAVA_HOME")
        if [ -n "$v" ] && [ "$v" -ge "$min" ]; then
            best=$JAVA_HOME
        else
            note "JAVA_HOME=$JAVA_HOME is not a JDK $min or newer with jlink; looking under /usr/lib/jvm"
        fi
    fi
    if [ -z "$best" ]; then
        for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
            [ -d "$home" ] && [ ! -h "$home" ] || continue
            v=$(jdk_major "$home") || continue
            [ -n "$v" ] && [ "$v" -ge "$min" ] || continue
            if [ "$v" -eq "$min" ]; then
                best=$home best_v=$v
                break
            fi
            if [ "$v" -gt "$best_v" ]; then
                best=$home best_v=$v
            fi
        done
    fi
    [ -n "$best" ] || die "no JDK $min or newer found: set JAVA_HOME or install Temurin $min under /usr/lib/jvm"
    JAVA_HOME=$best
    export JAVA_HOME
    # Maven 3.9 (Guice) calls sun.misc.Unsafe: keep JDK 24+ from warning about it on every build
    if [ "$(jdk_major "$JAVA_HOME")" -ge 24 ]; then
        case " ${MAVEN_OPTS:-} " in
            *sun-misc-unsafe-memory-access*) ;;
            *) export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
        esac
    fi
}

require_npm() {
    command -v npm >/dev/null 2>&1 && command -v node >/dev/null 2>&1 \
        || die "node/npm not found: install Node.js 20.19+ with npm (Debian: apt-get install -y nodejs npm), or build with -DskipWeb"
}

# Runs a command in its own process group and waits for it. INT/TERM/HUP sent to this script
# are passed on to the whole group, so killing a script (not only Ctrl-C in a terminal) also
# stops the Maven, jlink and training processes under it. Returns the command's status.
run_killable() {
    if ! command -v setsid >/dev/null 2>&1; then
        "$@"
        return
    fi
    setsid "$@" &
    local pid=$! rc=0
    # shellcheck disable=SC2064 # expand $pid now
    trap "kill -TERM -- -$pid 2>/dev/null" INT TERM HUP
    while :; do
        wait "$pid" && rc=0 || rc=$?
        kill -0 "$pid" 2>/dev/null || break
    done
    trap - INT TERM HUP
    return "$rc"
}

# Runs the Maven wrapper of the repository with JAVA_HOME from find_jdk.
mvnw() {
    (cd "$ROOT" && ./mvnw "$@")
}

# Installs Debian's chromium for the browser tests when it is missing and we may (root, apt).
ensure_chromium() {
    [ -x /usr/bin/chromium ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        note "/usr/bin/chromium is missing (browser tests need it): install it with 'apt-get install -y chromium'"
        return 0
    fi
    note "installing chromium for the browser tests (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed (needed to install chromium)"
    apt-get install -y -qq chromium >/dev/null \
        || die "apt-get install chromium failed"
}

# Milliseconds since the epoch (whole seconds where date has no %N, e.g. macOS).
now_ms() {
    local t
    t=$(date +%s%3N)
    case $t in
        *N) echo $(($(date +%s) * 1000)) ;;
        *) echo "$t" ;;
    esac
}
