package org.cbd4j.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Encodes CHW uint8 images (1 or 3 channels) as PNG, for trigger artefacts and previews. */
public final class ImageEncoder {

    private ImageEncoder() {}

    /** PNG bytes of one image stored as CHW planes starting at {@code offset}. */
    public static byte[] png(byte[] chw, int offset, int channels, int height, int width) {
        BufferedImage img = new BufferedImage(width, height,
                channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = offset + y * width + x;
                if (channels == 1) {
                    img.getRaster().setSample(x, y, 0, chw[at] & 0xFF);
                } else {
                    int rgb = (chw[at] & 0xFF) << 16 | (chw[at + plane] & 0xFF) << 8 | (chw[at + 2 * plane] & 0xFF);
                    img.setRGB(x, y, rgb);
                }
            }
        }
        return png(img);
    }

    /** PNG bytes of a Java image. */
    public static byte[] png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return out.toByteArray();
    }
}
