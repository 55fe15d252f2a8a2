package dev.codeproxy.app;

import picocli.CommandLine;

/** Value converters whose failures read as "expected ..." (see {@link CliErrors}). */
final class Converters {
    private Converters() {
    }

    static void register(CommandLine cl) {
        CommandLine.ITypeConverter<Integer> ints = s -> {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("an integer");
            }
        };
        CommandLine.ITypeConverter<Long> longs = s -> {
            try {
                return Long.parseLong(s.strip());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("an integer");
            }
        };
        cl.registerConverter(Integer.class, ints);
        cl.registerConverter(int.class, ints);
        cl.registerConverter(Long.class, longs);
        cl.registerConverter(long.class, longs);
    }
}
