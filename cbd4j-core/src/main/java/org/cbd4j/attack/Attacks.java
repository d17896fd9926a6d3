package org.cbd4j.attack;

import java.util.List;
import java.util.Map;
import org.cbd4j.method.Method;
import org.cbd4j.method.Registry;

/** The attacks by name: one line per attack; everything else reads their declarations. */
public final class Attacks {

    /** Every attack cbd4j knows, in the order help texts and {@code cbd list} show them. */
    public static final Registry<Attack> REGISTRY = new Registry<>("attack",
            NoAttack.METHOD,
            BadNets.METHOD,
            Blend.METHOD,
            Sig.METHOD,
            WaNet.METHOD,
            Trojan.METHOD,
            InputAware.METHOD,
            LabelConsistent.METHOD,
            AdapBlend.METHOD,
            AdapPatch.METHOD);

    private Attacks() {}

    /** The attack called {@code name}. */
    public static Method<Attack> method(String name) {
        return REGISTRY.get(name);
    }

    /** The attack called {@code name}, with default options. */
    public static Attack create(String name) {
        return method(name).create();
    }

    /** The attack called {@code name} with these options (by name, over its defaults). */
    public static Attack create(String name, Map<String, ?> options) {
        return method(name).create(options);
    }

    /** All registered names. */
    public static List<String> names() {
        return REGISTRY.names();
    }
}
