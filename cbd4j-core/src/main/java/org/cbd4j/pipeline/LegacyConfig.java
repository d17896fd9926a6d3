package org.cbd4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the flat {@code config} record that {@code config.json} held before the nested form
 * ({@link ExperimentConfig#toJson}): camel-case field names, the attack's, the baselines' and
 * CBD's options in three sub-objects, and switches stored the other way round ({@code augment}
 * instead of {@code no-augment}). Each field becomes the option of the same name.
 *
 * <p>Fields that did not exist when an old run was written keep their defaults, except cbd4j's own
 * CBD options: runs written before them had batch weights, no intervention and no weight gate,
 * and a resumed run must go on doing what it did. Likewise a record without an attack means
 * {@code badnets}, the default of its time (today's is {@code none}).
 */
final class LegacyConfig {

    /** Stored as "is on"; the option is "no-...". */
    private static final Set<String> NEGATED = Set.of("augment", "flip", "intervention", "weightGate", "triggerCheck");

    /** CBD's options as runs had them before those fields were recorded (field names as stored). */
    private static final Map<String, Boolean> BEFORE_CBD_OPTIONS = Map.of("batchWeights", true, "intervention", false,
            "weightGate", false, "fbLastLoss", true, "reweightUncaptured", true, "triggerCheck", false);

    private LegacyConfig() {}

    static ExperimentConfig read(JsonNode config) {
        Map<String, Object> flags = new LinkedHashMap<>();
        String out = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "out" -> out = e.getValue().isNull() ? null : e.getValue().asText();
                case "attackOptions", "baselineOptions", "cbdOptions" -> {
                    if (e.getValue().isObject()) {
                        e.getValue().fields().forEachRemaining(o -> put(flags, o.getKey(), o.getValue()));
                    }
                }
                case "fbEpochs" -> flags.put("fb-epochs", e.getValue().asInt() == 0 ? "auto" : e.getValue().asText());
                default -> put(flags, e.getKey(), e.getValue());
            }
        }
        JsonNode cbd = config.get("cbdOptions");
        BEFORE_CBD_OPTIONS.forEach((field, value) -> {
            if (cbd == null || !cbd.isObject() || !cbd.has(field)) {
                put(flags, field, com.fasterxml.jackson.databind.node.BooleanNode.valueOf(value));
            }
        });
        // The flat record always named its attack; should one not, it meant the default of its time.
        flags.putIfAbsent(AttackSetup.NAME.name(), AttackSetup.DEFAULT_BEFORE_NONE);
        Set<String> known = new java.util.HashSet<>();
        ExperimentConfig.allOptions().forEach(o -> known.add(o.name()));
        flags.keySet().removeIf(k -> !known.contains(k));
        return ExperimentConfig.fromFlags(flags, out);
    }

    private static void put(Map<String, Object> flags, String field, JsonNode value) {
        Object v = plain(value);
        if (v == null) {
            return;
        }
        if (NEGATED.contains(field)) {
            flags.put("no-" + kebab(field), !(Boolean) v);
        } else {
            flags.put(kebab(field), v);
        }
    }

    /** {@code blendAlpha} to {@code blend-alpha}. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    /** A JSON scalar as a Java value (null for JSON null and for objects and lists). */
    static Object plain(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToInt() ? (Object) n.intValue() : (Object) n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        return n.asText();
    }
}
