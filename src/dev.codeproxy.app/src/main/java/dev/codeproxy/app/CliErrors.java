package dev.codeproxy.app;

import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * picocli's parse errors in the command line's one style: what is wrong, naming the flag or
 * argument, and what is accepted (never picocli's raw "is not an int" or "Unmatched arguments").
 */
final class CliErrors {
    private static final Pattern OPTION = Pattern.compile("--[a-z][a-z0-9-]*");

    private CliErrors() {
    }

    static String describe(ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        String help = " (see " + commandName(c) + " --help)";
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().getFirst();
            if (first.startsWith("-")) {
                return "unknown option '" + printable(first) + "'" + help;
            }
            var subs = c.getSubcommands().keySet().stream().filter(n -> !n.equals("generate-completion")).toList();
            if (!subs.isEmpty()) {
                return "'" + printable(first) + "' is not a command; expected one of " + String.join(", ", subs);
            }
            return "unexpected argument '" + printable(first) + "'" + help;
        }
        if (ex instanceof CommandLine.MutuallyExclusiveArgsException) {
            List<String> names = new ArrayList<>();
            Matcher m = OPTION.matcher(ex.getMessage());
            while (m.find()) {
                if (!names.contains(m.group())) {
                    names.add(m.group());
                }
            }
            return "give only one of " + String.join(", ", names);
        }
        if (ex instanceof CommandLine.MissingParameterException mp) {
            List<String> names = new ArrayList<>();
            for (ArgSpec a : mp.getMissing()) {
                names.add(a instanceof OptionSpec o ? o.longestName() + " " + o.paramLabel() : a.paramLabel());
            }
            return "missing " + String.join(" and ", names) + help;
        }
        if (ex instanceof CommandLine.OverwrittenOptionException o) {
            return name(o.getOverwritten()) + ": given more than once; give it once";
        }
        if (ex instanceof CommandLine.MaxValuesExceededException) {
            return "too many arguments" + help;
        }
        String msg = ex.getMessage() == null ? "" : ex.getMessage();
        if (ex.getArgSpec() != null && (ex.getCause() instanceof CommandLine.TypeConversionException
                || msg.startsWith("Invalid value for"))) {
            String expected = ex.getCause() instanceof CommandLine.TypeConversionException t ? t.getMessage()
                    : msg.substring(msg.lastIndexOf(": ") + 2);
            return name(ex.getArgSpec()) + ": '" + printable(String.valueOf(ex.getValue())) + "' is not accepted; expected "
                    + expected;
        }
        String line = msg.lines().findFirst().orElse("bad usage");
        return (line.startsWith("Error: ") ? line.substring(7) : line) + help;
    }

    private static String name(ArgSpec a) {
        return a instanceof OptionSpec o ? o.longestName() : a.paramLabel();
    }

    private static String commandName(CommandLine c) {
        String p = Cli.prefix(c);
        return p.isEmpty() ? "code-proxy" : "code-proxy " + p.substring(0, p.length() - 2);
    }

    /** Control characters shown as '?', so a bad argument cannot forge terminal output. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(200).forEach(ch -> b.appendCodePoint(Character.isISOControl(ch) ? '?' : ch));
        return b.toString();
    }
}
