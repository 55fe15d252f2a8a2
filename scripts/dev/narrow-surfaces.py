#!/usr/bin/env python3
"""Lists `public` types and members that nothing outside their package names, so they can be
package-private (issue 12, "internals are package-private").

    scripts/dev/narrow-surfaces.py [--apply] [--by-owner] [--skip FILE...] MODULE_DIR...
    e.g. scripts/dev/narrow-surfaces.py src/dev.codeproxy.core src/dev.codeproxy.claude

It only reports what it finds; with --apply it also removes those `public` modifiers. A reference
is the simple name as a word (a method: `name(` or `::name`) in any .java file of the
repository outside the declaring package's directories (main and test). That over-counts (another
class's member of the same name, a javadoc link) and so only ever keeps something public that could
be narrowed; it never narrows what is used. What it cannot see - an override of a public method
without @Override, a type reached without its name (through `var`, a method reference, an enum
`switch` or `.name()` on a returned value) - the compiler reports: after --apply, build every module with its tests, and put back
`public` where javac asks for it.

Left alone: interface members (public anyway), record components' accessors and records'
constructors, @Override methods, `main`, and every file given with --skip.
"""
import os
import re
import sys

# found by the compiler: public although no file outside the package names them
KEEP = {
    ('SseFramer.java', 'Sink'): 'a method reference in proxy/StreamRelay',
    ('RetryDecision.java', 'BreakerEffect'): 'an enum switch in proxy/Exchange',
    ('ClaudeSettings.java', 'KeyState'): "its name() in admin's ClaudeResource",
    ('PriceMatch.java', 'PriceMatch'): 'a var in the store tests',
    ('AuthStyle.java', 'credential'): 'called on endpoint.authStyle() in proxy and admin',
}

TYPE_DECL = re.compile(r'^(?P<indent>\s*)public\s+(?P<mods>(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\s+)*)'
                       r'(?P<kind>class|interface|record|enum|@interface)\s+(?P<name>\w+)')
MEMBER = re.compile(r'^(?P<indent>\s+)public\s+(?P<rest>.*)$')


def java_files(root):
    for d, _, fs in os.walk(root):
        if '/target' in d or '/node_modules' in d:
            continue
        for f in fs:
            if f.endswith('.java'):
                yield os.path.join(d, f)


def package_of(text):
    m = re.search(r'^package\s+([\w.]+);', text, re.M)
    return m.group(1) if m else ''


def main(argv):
    apply = '--apply' in argv
    # --by-owner: a member counts as used only in files that also name its type (fewer false uses
    # from other classes' members of the same name; misses a call on a value whose type is unnamed)
    by_owner = '--by-owner' in argv
    skip = set()
    modules = []
    it = iter(a for a in argv if a not in ('--apply', '--by-owner'))
    for a in it:
        if a == '--skip':
            skip.add(os.path.abspath(next(it)))
        else:
            modules.append(a)
    repo = os.getcwd()
    texts = {}
    pkgs = {}
    for f in java_files(os.path.join(repo, 'src')):
        t = open(f, encoding='utf-8').read()
        texts[f] = t
        pkgs[f] = package_of(t)

    def used_outside(pkg, pattern, owner=None):
        rx = re.compile(pattern)
        orx = re.compile(r'\b' + re.escape(owner) + r'\b') if owner else None
        for f, t in texts.items():
            if pkgs[f] != pkg and not f.endswith('module-info.java') and rx.search(t) \
                    and (orx is None or orx.search(t)):
                return True
        return False

    found = 0
    for mod in modules:
        for f in java_files(os.path.join(repo, mod, 'src', 'main', 'java')):
            if os.path.abspath(f) in skip or f.endswith('module-info.java') or f.endswith('package-info.java'):
                continue
            pkg = pkgs[f]
            lines = texts[f].split('\n')
            # the enclosing type of each line: a stack of (indent, kind, name, components)
            stack = []
            changed = False
            for i, line in enumerate(lines):
                stripped = line.strip()
                indent = len(line) - len(line.lstrip())
                while stack and stripped.startswith('}') and indent == stack[-1][0]:
                    stack.pop()
                    break
                td = TYPE_DECL.match(line)
                decl = re.match(r'^(\s*)(?:public\s+|protected\s+|private\s+)?(?:(?:static|final|abstract|sealed|non-sealed)\s+)*'
                                r'(class|interface|record|enum)\s+(\w+)(.*)$', line)
                if decl and not stripped.startswith('*') and not stripped.startswith('//'):
                    comps = set()
                    if decl.group(2) == 'record':
                        m = re.match(r'\s*\((.*?)\)', decl.group(4))
                        head = decl.group(4)
                        j = i
                        while '{' not in head and j + 1 < len(lines):
                            j += 1
                            head += ' ' + lines[j].strip()
                        m = re.match(r'\s*(?:<[^>]*>)?\s*\((.*)\)\s*(?:implements[^{]*)?\{', head)
                        if m:
                            comps = {p.strip().split()[-1] for p in re.sub(r'<[^<>]*>', '', re.sub(r'<[^<>]*>', '', m.group(1))).split(',') if p.strip()}
                    stack.append((len(decl.group(1)), decl.group(2), decl.group(3), comps))
                if td:
                    name = td.group('name')
                    if (os.path.basename(f), name) in KEEP:
                        continue
                    if not used_outside(pkg, r'\b' + re.escape(name) + r'\b'):
                        found += 1
                        print(f'{os.path.relpath(f, repo)}:{i + 1}: type {name}')
                        if apply:
                            lines[i] = line.replace('public ', '', 1)
                            changed = True
                    continue
                mm = MEMBER.match(line)
                if not mm or not stack or stripped.startswith('*'):
                    continue
                owner_indent, kind, owner, comps = stack[-1]
                if kind in ('interface', '@interface'):
                    continue
                prev = lines[i - 1].strip() if i > 0 else ''
                if prev.startswith('@Override') or '@Override' in prev:
                    continue
                rest = mm.group('rest')
                meth = re.search(r'(\w+)\s*\(', rest.split('=')[0])
                if meth and ('=' not in rest.split('(')[0]):
                    name = meth.group(1)
                    if name == owner:
                        if kind == 'record':
                            continue
                        pattern = r'new\s+(?:\w+\.)*' + re.escape(name) + r'\b|\bsuper\s*\('
                        what = 'constructor'
                    else:
                        if name == 'main' or (kind == 'record' and name in comps):
                            continue
                        pattern = r'\b' + re.escape(name) + r'\s*\(|::' + re.escape(name) + r'\b'
                        what = 'method'
                else:
                    fm = re.search(r'(\w+)\s*(?:=|;)', rest)
                    if not fm:
                        continue
                    name = fm.group(1)
                    pattern = r'\b' + re.escape(name) + r'\b'
                    what = 'field'
                if (os.path.basename(f), name) in KEEP:
                    continue
                if not used_outside(pkg, pattern, owner if by_owner else None):
                    found += 1
                    print(f'{os.path.relpath(f, repo)}:{i + 1}: {what} {owner}.{name}')
                    if apply:
                        lines[i] = line.replace('public ', '', 1)
                        changed = True
            if changed:
                with open(f, 'w', encoding='utf-8') as out:
                    out.write('\n'.join(lines))
    print(f'{found} public declarations named nowhere outside their package', file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1:])
