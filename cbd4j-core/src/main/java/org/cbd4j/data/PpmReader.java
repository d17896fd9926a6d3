package org.cbd4j.data;

import java.nio.file.Path;

/**
 * Binary Netpbm images (GTSRB ships P6): {@code P6} (RGB) or {@code P5} (gray), whitespace and
 * {@code #} comments in the header, maxval 1..65535 (two bytes per sample above 255), samples
 * rescaled to 0..255. The pixel count is checked against the bytes present before allocating.
 */
final class PpmReader {

    private PpmReader() {}

    static DecodedImage decode(Path file, byte[] data) throws DatasetFormatException {
        int[] pos = {2};
        int channels = data[1] == '6' ? 3 : 1;
        long width = header(file, data, pos, "width");
        long height = header(file, data, pos, "height");
        long maxval = header(file, data, pos, "maxval");
        if (maxval < 1 || maxval > 65535) {
            throw new DatasetFormatException(file, "PPM maxval " + maxval + " outside 1..65535");
        }
        if (pos[0] >= data.length || !Character.isWhitespace(data[pos[0]])) {
            throw new DatasetFormatException(file, "PPM header does not end with a whitespace byte");
        }
        int start = pos[0] + 1;
        int bytesPerSample = maxval > 255 ? 2 : 1;
        ImageDecoder.checkSize(file, width, height, data.length);
        long need = width * height * channels * bytesPerSample;
        if (need > data.length - start) {
            throw new DatasetFormatException(file, "PPM truncated: " + width + "x" + height + " needs " + need
                    + " bytes of pixels, file has " + (data.length - start));
        }
        byte[] px = new byte[(int) (width * height * channels)];
        for (int i = 0; i < px.length; i++) {
            int v = bytesPerSample == 1 ? data[start + i] & 0xFF
                    : ((data[start + 2 * i] & 0xFF) << 8) | (data[start + 2 * i + 1] & 0xFF);
            if (v > maxval) {
                throw new DatasetFormatException(file, "PPM sample " + v + " above maxval " + maxval);
            }
            px[i] = (byte) (maxval == 255 ? v : Math.round(v * 255.0 / maxval));
        }
        return new DecodedImage((int) width, (int) height, channels, px);
    }

    /** Reads one decimal header field after whitespace and comments. */
    private static long header(Path file, byte[] data, int[] pos, String field) throws DatasetFormatException {
        int i = pos[0];
        while (i < data.length && (Character.isWhitespace(data[i]) || data[i] == '#')) {
            if (data[i] == '#') {
                while (i < data.length && data[i] != '\n' && data[i] != '\r') {
                    i++;
                }
            } else {
                i++;
            }
        }
        long v = 0;
        int digits = 0;
        while (i < data.length && data[i] >= '0' && data[i] <= '9') {
            v = v * 10 + (data[i] - '0');
            i++;
            if (++digits > 9) {
                throw new DatasetFormatException(file, "PPM " + field + " has too many digits");
            }
        }
        if (digits == 0) {
            throw new DatasetFormatException(file, "PPM header: missing " + field);
        }
        pos[0] = i;
        return v;
    }
}
