package org.cbd4j.cli;

import java.util.List;
import java.util.concurrent.Callable;
import org.cbd4j.attack.Attacks;
import org.cbd4j.defense.Defenses;
import org.cbd4j.method.Method;
import org.cbd4j.method.Option;
import org.cbd4j.method.Registry;
import picocli.CommandLine.Command;

/** {@code cbd list}: every attack and defense with its summary, paper and options, from their declarations. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List every attack and defense with its paper and options (name, default, accepted values).")
final class ListCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(text());
        return 0;
    }

    /** The listing, attacks first. */
    static String text() {
        StringBuilder sb = new StringBuilder();
        for (Registry<?> r : List.of(Attacks.REGISTRY, Defenses.REGISTRY)) {
            sb.append(r.kind().equals("attack") ? "Attacks (--attack)" : "Defenses (--defense)").append('\n');
            for (Method<?> m : r.methods()) {
                sb.append("\n  ").append(m.name()).append(" - ").append(m.summary()).append('\n');
                if (!m.paper().citation().isEmpty()) {
                    sb.append("    paper: ").append(m.paper()).append('\n');
                }
                for (Option<?> o : m.options()) {
                    String def = o.defaultValue() == null ? "unset" : o.format(o.defaultValue());
                    sb.append("    ").append(o.flag());
                    if (!o.isFlag()) {
                        sb.append(" (").append(o.accepted()).append("; default ").append(def).append(')');
                    }
                    sb.append(": ").append(o.help()).append('\n');
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
