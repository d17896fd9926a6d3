package org.cbd4j.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * The driver's Hadoop settings carried to the executors (Hadoop's {@link Configuration} is not
 * serializable), so that files on HDFS or S3 are read there with the same settings, credentials
 * given as {@code spark.hadoop.*} included.
 */
final class HadoopSettings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HashMap<String, String> values = new HashMap<>();
    private transient Configuration conf;

    HadoopSettings(Configuration driver) {
        driver.forEach(e -> values.put(e.getKey(), e.getValue()));
    }

    /** The settings as a configuration, made once per deserialized copy. */
    Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            for (Map.Entry<String, String> e : values.entrySet()) {
                c.set(e.getKey(), e.getValue());
            }
            conf = c;
        }
        return conf;
    }
}
