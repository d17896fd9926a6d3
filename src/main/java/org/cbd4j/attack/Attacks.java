package org.cbd4j.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Registry from command-line names to attacks. */
public final class Attacks {

    private static final Map<String, Supplier<Attack>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("none", NoAttack::new);
        REGISTRY.put("badnets", BadNets::new);
    }

    private Attacks() {}

    /** The attack registered under {@code name}. */
    public static Attack create(String name) {
        Supplier<Attack> s = REGISTRY.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown attack '" + name + "'; known: " + String.join(", ", names()));
        }
        return s.get();
    }

    /** All registered names. */
    public static Iterable<String> names() {
        return REGISTRY.keySet();
    }
}
