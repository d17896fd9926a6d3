package org.cbd4j.method;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods of one kind by name, in the order they are listed. Adding a method is one line in
 * the list that builds the registry ({@code Attacks}, {@code Defenses}).
 *
 * @param <T> what the methods make
 */
public final class Registry<T> {

    private final String kind;
    private final Map<String, Method<T>> methods = new LinkedHashMap<>();

    /** A registry of {@code kind} ("attack", "defense") holding {@code methods}. */
    @SafeVarargs
    public Registry(String kind, Method<T>... methods) {
        this.kind = kind;
        for (Method<T> m : methods) {
            if (this.methods.putIfAbsent(m.name(), m) != null) {
                throw new IllegalStateException(kind + " '" + m.name() + "' is registered twice");
            }
        }
    }

    /** The method called {@code name}; an unknown name is refused with the known ones. */
    public Method<T> get(String name) {
        Method<T> m = methods.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown " + kind + " '" + name + "'; known: " + String.join(", ", names()));
        }
        return m;
    }

    /** "attack" or "defense". */
    public String kind() {
        return kind;
    }

    /** Every name, in registry order. */
    public List<String> names() {
        return List.copyOf(methods.keySet());
    }

    /** Every method, in registry order. */
    public Collection<Method<T>> methods() {
        return List.copyOf(methods.values());
    }

    /**
     * Every option of every method, each name once (methods that share an option declare it
     * alike), in registry order.
     */
    public List<Option<?>> allOptions() {
        Map<String, Option<?>> all = new LinkedHashMap<>();
        for (Method<T> m : methods.values()) {
            for (Option<?> o : m.options()) {
                Option<?> before = all.putIfAbsent(o.name(), o);
                if (before != null && !before.sameAs(o)) {
                    throw new IllegalStateException("--" + o.name() + " is declared differently by two " + kind + "s");
                }
            }
        }
        return new ArrayList<>(all.values());
    }

    /** The names of the methods that declare an option called {@code optionName}. */
    public List<String> usersOf(String optionName) {
        return methods.values().stream().filter(m -> m.options().stream().anyMatch(o -> o.name().equals(optionName)))
                .map(Method::name).toList();
    }
}
