package org.cbd4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.cbd4j.cli.ConfigFiles.ConfigException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code cbd train --config FILE}: a flat YAML/JSON mapping whose keys are the train flags without
 * their dashes ({@code poison-rate: 0.1}, {@code no-mi: true}). Values from the file fill the
 * options the command line did not give; flags given on the command line win.
 */
final class RunConfigFile {

    /** Flags that steer the command rather than describe a run; not accepted in a file. */
    static final Set<String> NOT_IN_FILES = Set.of("config", "resume", "force", "help", "version");

    private RunConfigFile() {}

    /** The option a config key names, or null (also for grid files' shared train options). */
    static OptionSpec option(CommandSpec spec, String key) {
        if (NOT_IN_FILES.contains(key)) {
            return null;
        }
        return spec.findOption("--" + key);
    }

    /** The keys a config file may hold for {@code spec}, sorted. */
    static Set<String> keys(CommandSpec spec) {
        Set<String> keys = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            String k = o.longestName().replaceFirst("^--", "");
            if (!NOT_IN_FILES.contains(k)) {
                keys.add(k);
            }
        }
        return keys;
    }

    /**
     * Reads {@code file} and sets every option it names that {@code parsed} did not match on the
     * command line. Unknown keys and values of the wrong type are refused before anything is set.
     */
    static void apply(Path file, CommandSpec spec, ParseResult parsed) {
        apply(file, ConfigFiles.read(file), spec, parsed);
    }

    static void apply(Path file, JsonNode tree, CommandSpec spec, ParseResult parsed) {
        if (!tree.isObject()) {
            throw new ConfigException(file, "expected a mapping of option names to values, got " + ConfigFiles.describe(tree));
        }
        List<Map.Entry<OptionSpec, Object>> values = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            OptionSpec o = option(spec, key);
            if (o == null) {
                String k = key.length() > 60 ? key.substring(0, 60) + "..." : key;
                throw new ConfigException(file, "unknown key '" + k + "' (known: " + String.join(", ", keys(spec)) + ")");
            }
            values.add(Map.entry(o, convert(file, key, e.getValue(), o.type())));
        }
        for (Map.Entry<OptionSpec, Object> v : values) {
            if (!parsed.hasMatchedOption(v.getKey())) {
                v.getKey().setValue(v.getValue());
            }
        }
    }

    /** The value of {@code node} as {@code type}, or a one-line error naming the key. */
    static Object convert(Path file, String key, JsonNode node, Class<?> type) {
        Object v = null;
        String expected;
        if (type == boolean.class || type == Boolean.class) {
            expected = "true or false";
            v = node.isBoolean() ? node.booleanValue() : null;
        } else if (type == int.class || type == Integer.class) {
            expected = "a whole number";
            v = node.isIntegralNumber() && node.canConvertToInt() ? node.intValue() : null;
        } else if (type == long.class || type == Long.class) {
            expected = "a whole number";
            v = node.isIntegralNumber() && node.canConvertToLong() ? node.longValue() : null;
        } else if (type == float.class || type == Float.class) {
            expected = "a number";
            v = node.isNumber() && Float.isFinite(node.floatValue()) ? node.floatValue() : null;
        } else if (type == double.class || type == Double.class) {
            expected = "a number";
            v = node.isNumber() && Double.isFinite(node.doubleValue()) ? node.doubleValue() : null;
        } else if (type == String.class) {
            expected = "text";
            v = node.isTextual() ? node.textValue() : node.isNumber() ? node.asText() : null;
        } else {
            throw new IllegalStateException("option --" + key + " has a type config files do not support: " + type);
        }
        if (v == null) {
            throw new ConfigException(file, "key '" + key + "' expects " + expected + ", got " + ConfigFiles.describe(node));
        }
        return v;
    }
}
