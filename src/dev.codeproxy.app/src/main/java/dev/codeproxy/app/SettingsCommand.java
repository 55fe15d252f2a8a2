package dev.codeproxy.app;

import dev.codeproxy.core.settings.SettingKey;
import dev.codeproxy.core.settings.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code code-proxy settings get [KEY] | set KEY VALUE}: the stored settings, one key at a time. */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = "Show or change stored settings (the keys of the import file's settings object).",
        subcommands = {SettingsCommand.GetCmd.class, SettingsCommand.SetCmd.class})
final class SettingsCommand implements Callable<Integer> {
    SettingsCommand(Cli.Context ctx) {
    }

    @Override
    public Integer call() {
        throw new UsageError("settings: missing subcommand; expected get [KEY] or set KEY VALUE");
    }

    static SettingKey key(String verb, String raw) {
        return SettingKey.byKey(raw.strip()).orElseThrow(() -> new UsageError("settings " + verb + ": KEY: '"
                + CliErrors.printable(raw) + "' is not a setting; expected one of "
                + Arrays.stream(SettingKey.values()).map(SettingKey::key).collect(Collectors.joining(", "))));
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Print one setting's value, or every setting as KEY=VALUE lines.")
    static final class GetCmd extends StoreCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "The setting, e.g. routing.")
        String key;

        GetCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        void validate() {
            if (key != null) {
                SettingsCommand.key("get", key);
            }
        }

        @Override
        int run(Store store) {
            Settings s = store.settings.load();
            if (key != null) {
                SettingKey k = SettingsCommand.key("get", key);
                ctx.out().println(k.format(k.get(s)));
                return 0;
            }
            for (SettingKey k : SettingKey.values()) {
                ctx.out().println(k.key() + "=" + k.format(k.get(s)));
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Store one setting (a running server picks it up within a second).")
    static final class SetCmd extends StoreCommand {
        @Parameters(index = "0", paramLabel = "KEY", description = "The setting, e.g. routing.")
        String key;

        @Parameters(index = "1", paramLabel = "VALUE", description = "Its new value.")
        String value;

        SetCmd(Cli.Context ctx) {
            super(ctx);
        }

        @Override
        boolean needsExisting() {
            return false;
        }

        private String parsed() {
            SettingKey k = SettingsCommand.key("set", key);
            Object parsed = k.parse(value).orElseThrow(() -> new UsageError("settings set: VALUE: "
                    + CliErrors.printable(k.describeError(value))));
            return k.format(parsed);
        }

        @Override
        void validate() {
            parsed();
        }

        @Override
        int run(Store store) {
            SettingKey k = SettingsCommand.key("set", key);
            String text = parsed();
            store.settings.putAll(Map.of(k.key(), text));
            ctx.out().println(k.key() + "=" + text);
            return 0;
        }
    }
}
