package org.cbd4j.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** Registry from command-line names to attacks. */
public final class Attacks {

    private static final Map<String, Function<AttackOptions, Attack>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("none", o -> new NoAttack());
        REGISTRY.put("badnets", o -> new BadNets());
        REGISTRY.put("blend", Blend::new);
        REGISTRY.put("sig", Sig::new);
        REGISTRY.put("wanet", WaNet::new);
        REGISTRY.put("trojan", Trojan::new);
        REGISTRY.put("input-aware", InputAware::new);
        REGISTRY.put("label-consistent", LabelConsistent::new);
    }

    private Attacks() {}

    /** The attack registered under {@code name}, with default options. */
    public static Attack create(String name) {
        return create(name, AttackOptions.DEFAULTS);
    }

    /** The attack registered under {@code name}. */
    public static Attack create(String name, AttackOptions options) {
        Function<AttackOptions, Attack> s = REGISTRY.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown attack '" + name + "'; known: " + String.join(", ", names()));
        }
        return s.apply(options.validate());
    }

    /** All registered names. */
    public static Iterable<String> names() {
        return REGISTRY.keySet();
    }
}
