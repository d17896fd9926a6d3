package org.cbd4j.method;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The declaration of an attack or a defense, kept as a constant in the method's own class: its
 * name, a one-line summary, its paper, its options and its factory. Registries list these
 * declarations; help texts, config files, grids, {@code cbd list} and provenance read them.
 *
 * @param <T> what the factory makes ({@code Attack} or {@code Defense})
 */
public record Method<T>(String name, String summary, Paper paper, List<Option<?>> options,
        Function<OptionValues, T> factory) {

    public Method {
        options = List.copyOf(options);
        OptionValues.defaults(options); // refuses a name declared twice, differently
    }

    /** The method with every option at its default. */
    public T create() {
        return create(defaults());
    }

    /** The method with these option values (by name, over the defaults), checked first. */
    public T create(Map<String, ?> given) {
        return create(values(given));
    }

    /** The method with these option values. */
    public T create(OptionValues values) {
        return factory.apply(values);
    }

    /** Every option at its default. */
    public OptionValues defaults() {
        return OptionValues.defaults(options);
    }

    /** The given values over the defaults, checked; an unknown name is refused. */
    public OptionValues values(Map<String, ?> given) {
        return OptionValues.of(options, given);
    }
}
