package org.cbd4j.data;

import java.util.Map;

/**
 * Where a dataset's bytes came from: the dataset name, the directory, how it was found (explicit
 * directory, Debian package, download cache, generated) and the SHA-256 of every file read.
 */
public record DataSource(String dataset, String location, String origin, Map<String, String> sha256) {}
