package org.cbd4j.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the YAML or JSON files users hand to cbd4j (run configs, bench grids) into a tree.
 * JSON is YAML, so one YAML parser reads both; duplicate keys, more than one document and files
 * over {@link #MAX_BYTES} are refused. Every failure is a {@link ConfigException} naming the file.
 */
final class ConfigFiles {

    /** Config files are hand-written; anything larger is a mistake, not a config. */
    static final int MAX_BYTES = 1 << 20;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(MAX_BYTES).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigFiles() {}

    /** Reads and parses {@code file}. */
    static JsonNode read(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ConfigException(file, "larger than " + (MAX_BYTES >> 10) + " KiB; not a config file");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file, "cannot read (" + e.getMessage() + ")");
        }
        return parse(file, bytes);
    }

    /** Parses the bytes of {@code file} (separate for tests and fuzzing). */
    static JsonNode parse(Path file, byte[] bytes) {
        try (JsonParser p = YAML.createParser(bytes)) {
            JsonNode tree = YAML.readTree(p);
            if (tree != null && p.nextToken() != null) {
                throw new ConfigException(file, "holds more than one YAML document");
            }
            return tree == null ? YAML.nullNode() : tree;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ConfigException(file, "not valid YAML/JSON" + where + " (" + e.getOriginalMessage().lines()
                    .findFirst().orElse("") + ")");
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConfigException c) {
                throw c;
            }
            // SnakeYAML reports some limits (alias bombs, code points) as its own runtime exceptions.
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(file, "not valid YAML/JSON (" + m + ")");
        }
    }

    /** A one-line description of a node's type, for "expected X, got Y" messages. */
    static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        String text = n.asText();
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return (n.isTextual() ? "text '" : n.isBoolean() ? "boolean '" : "number '") + shown.replaceAll("\\s", " ") + "'";
    }

    /** A malformed config or grid file: one line naming the file, reported as bad usage (exit 2). */
    static final class ConfigException extends IllegalArgumentException {
        ConfigException(Path file, String message) {
            super(file + ": " + message);
        }
    }
}
