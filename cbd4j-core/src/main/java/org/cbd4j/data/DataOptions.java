package org.cbd4j.data;

/**
 * How decoded-image datasets ({@code gtsrb}, {@code folder}) are read: the square size images are
 * resized to, the channel count of a folder (1 gray or 3 RGB; GTSRB is always RGB), and whether
 * an unreadable image in a folder is skipped (and counted) instead of failing the load.
 */
public record DataOptions(int imageSize, int channels, boolean skipUnreadable) {

    public static final DataOptions DEFAULTS = new DataOptions(32, 3, false);

    public DataOptions {
        if (imageSize < 8 || imageSize > 512) {
            throw new IllegalArgumentException("--image-size must be in 8..512, got " + imageSize);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("--channels must be 1 or 3, got " + channels);
        }
    }
}
