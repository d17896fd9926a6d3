package org.cbd4j.method;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of a set of declared options, every one present (given or defaulted) and checked.
 * Immutable; {@link #toMap} gives them by option name in declaration order, which is what config
 * files, {@code run-config.yaml} and {@code config.json} hold.
 */
public final class OptionValues {

    private final Map<String, Option<?>> declared;
    private final Map<String, Object> values;

    private OptionValues(Map<String, Option<?>> declared, Map<String, Object> values) {
        this.declared = declared;
        this.values = values;
    }

    /** Every option at its default. */
    public static OptionValues defaults(Collection<? extends Option<?>> options) {
        return of(options, Map.of());
    }

    /**
     * The given values (by option name; numbers, booleans or text, converted as
     * {@link Option#coerce} does) over the defaults. A name that is not declared is refused.
     */
    public static OptionValues of(Collection<? extends Option<?>> options, Map<String, ?> given) {
        Map<String, Option<?>> decl = new LinkedHashMap<>();
        for (Option<?> o : options) {
            Option<?> before = decl.putIfAbsent(o.name(), o);
            if (before != null && !before.sameAs(o)) {
                throw new IllegalStateException("option --" + o.name() + " is declared twice, differently");
            }
        }
        for (String k : given.keySet()) {
            if (!decl.containsKey(k)) {
                throw new IllegalArgumentException("unknown option --" + k + (decl.isEmpty() ? " (this method has none)"
                        : " (known: " + String.join(", ", decl.keySet().stream().map(n -> "--" + n).toList()) + ")"));
            }
        }
        Map<String, Object> v = new LinkedHashMap<>();
        for (Option<?> o : decl.values()) {
            v.put(o.name(), given.containsKey(o.name()) ? o.coerce(given.get(o.name())) : o.defaultValue());
        }
        return new OptionValues(Collections.unmodifiableMap(decl), Collections.unmodifiableMap(v));
    }

    /** The value of {@code option}, which must be one of the declared ones. */
    public <T> T get(Option<T> option) {
        Option<?> o = declared.get(option.name());
        if (o == null) {
            throw new IllegalArgumentException("option --" + option.name() + " is not declared here");
        }
        return option.type().cast(values.get(option.name()));
    }

    /** The same values with one changed (checked). */
    public OptionValues with(String name, Object value) {
        Map<String, Object> given = new LinkedHashMap<>(values);
        given.put(name, value);
        given.values().removeIf(java.util.Objects::isNull);
        return of(declared.values(), given);
    }

    /** The declarations, in order. */
    public List<Option<?>> options() {
        return List.copyOf(declared.values());
    }

    /** Name to value in declaration order; unset text options are left out. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptionValues other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return toMap().toString();
    }
}
