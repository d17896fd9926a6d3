package org.cbd4j.cli;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cbd4j.attack.Attacks;
import org.cbd4j.defense.Defenses;
import org.cbd4j.method.Option;
import org.cbd4j.method.Registry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns option declarations into picocli options and reads them back: the flags of
 * {@code cbd train} and {@code cbd poison} are generated, never written out by hand, so help,
 * defaults and config-file keys cannot drift from the methods.
 */
final class OptionFlags {

    private OptionFlags() {}

    /** Adds {@code options} to {@code spec}, their help prefixed by the methods that use them. */
    static void add(CommandSpec spec, Collection<Option<?>> options) {
        for (Option<?> o : options) {
            spec.addOption(toPicocli(o, users(o)));
        }
    }

    /** Adds every option of every registered attack. */
    static void addAttackOptions(CommandSpec spec) {
        add(spec, Attacks.REGISTRY.allOptions());
    }

    /** The current value of every option of {@code spec} that is set, by name without dashes. */
    static Map<String, Object> values(CommandSpec spec, Collection<Option<?>> options) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Option<?> o : options) {
            OptionSpec s = spec.findOption(o.flag());
            if (s != null && s.getValue() != null) {
                m.put(o.name(), s.getValue());
            }
        }
        return m;
    }

    private static String users(Option<?> o) {
        for (Registry<?> r : List.of(Attacks.REGISTRY, Defenses.REGISTRY)) {
            List<String> names = r.usersOf(o.name());
            if (!names.isEmpty()) {
                return String.join(", ", names) + ": ";
            }
        }
        return "";
    }

    private static OptionSpec toPicocli(Option<?> o, String prefix) {
        String help = Character.toUpperCase(prefix.isEmpty() ? o.help().charAt(0) : prefix.charAt(0))
                + (prefix.isEmpty() ? o.help().substring(1) : prefix.substring(1) + o.help());
        OptionSpec.Builder b = OptionSpec.builder(o.flag()).type(o.type());
        if (o.isFlag()) {
            b.arity("0").description(escape(help) + ".");
        } else {
            b.paramLabel(label(o));
            String def = o.defaultValue() == null ? "" : " Default: " + o.format(o.defaultValue()) + ".";
            b.description(escape(help) + "." + def);
            if (o.defaultValue() != null) {
                b.defaultValue(o.format(o.defaultValue()));
            }
        }
        return b.build();
    }

    private static String label(Option<?> o) {
        if (o.type() == Integer.class || o.type() == Long.class) {
            return "N";
        }
        return o.type() == Double.class ? "X" : o.name().equals("data") ? "DIR" : "VALUE";
    }

    /** picocli reads %n and ${...} in descriptions. */
    private static String escape(String s) {
        return s.replace("%", "%%");
    }
}
