package org.cbd4j.data;

/**
 * One decoded image in memory: {@code channels} (1 or 3) interleaved per pixel, rows top to
 * bottom (HWC, uint8), as image files store them; {@link #resized} turns it into the CHW planes
 * an {@link ImageDataset} holds.
 */
public record DecodedImage(int width, int height, int channels, byte[] pixels) {

    public DecodedImage {
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixel buffer does not match " + width + "x" + height + "x" + channels);
        }
    }

    private float at(int row, int col, int c) {
        return pixels[(row * width + col) * channels + c] & 0xFF;
    }

    /**
     * Bilinear resize to {@code size x size} with pixel centres aligned (align_corners=false, as
     * torchvision), converted to {@code outChannels} (gray = ITU-R 601 luma; gray to RGB repeats),
     * written as CHW planes into {@code dst} at {@code offset}.
     */
    public void resized(int size, int outChannels, byte[] dst, int offset) {
        float sy = (float) height / size;
        float sx = (float) width / size;
        float[] px = new float[channels];
        for (int r = 0; r < size; r++) {
            float fy = Math.max(0, (r + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            float wy = Math.min(1f, fy - y0);
            for (int q = 0; q < size; q++) {
                float fx = Math.max(0, (q + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                float wx = Math.min(1f, fx - x0);
                for (int c = 0; c < channels; c++) {
                    float top = at(y0, x0, c) * (1 - wx) + at(y0, x1, c) * wx;
                    float bottom = at(y1, x0, c) * (1 - wx) + at(y1, x1, c) * wx;
                    px[c] = top * (1 - wy) + bottom * wy;
                }
                int plane = size * size;
                int at = r * size + q;
                if (outChannels == channels) {
                    for (int c = 0; c < channels; c++) {
                        dst[offset + c * plane + at] = (byte) Math.round(px[c]);
                    }
                } else if (outChannels == 1) {
                    dst[offset + at] = (byte) Math.round(0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2]);
                } else {
                    for (int c = 0; c < 3; c++) {
                        dst[offset + c * plane + at] = (byte) Math.round(px[0]);
                    }
                }
            }
        }
    }
}
