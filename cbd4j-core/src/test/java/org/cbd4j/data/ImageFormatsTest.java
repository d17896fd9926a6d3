package org.cbd4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** PPM decoding, the ImageIO formats, and the resize rule, on hand-made images. */
class ImageFormatsTest {

    static final Path F = Path.of("img");

    static byte[] ppm(String header, byte[] pixels) {
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + pixels.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(pixels, 0, out, h.length, pixels.length);
        return out;
    }

    /** A P6 file of one solid colour. */
    static byte[] solidPpm(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) r;
            px[3 * i + 1] = (byte) g;
            px[3 * i + 2] = (byte) b;
        }
        return ppm("P6\n" + w + " " + h + "\n255\n", px);
    }

    static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), format + " writer exists");
        return out.toByteArray();
    }

    @Test
    void ppmHeadersWithCommentsAndWideSamplesDecodeExactly() throws Exception {
        DecodedImage rgb = ImageDecoder.decode(F, ppm("P6\n# made by hand\n2 1\n255\n", new byte[] {1, 2, 3, (byte) 200, 5, 6}));
        assertEquals(2, rgb.width());
        assertEquals(1, rgb.height());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 200, 5, 6}, rgb.pixels());

        DecodedImage gray = ImageDecoder.decode(F, ppm("P5 1 2 15\n", new byte[] {15, 5}));
        assertEquals(1, gray.channels());
        assertArrayEquals(new byte[] {(byte) 255, 85}, gray.pixels(), "maxval 15 rescaled to 0..255");

        DecodedImage wide = ImageDecoder.decode(F, ppm("P5 1 1 1023\n", new byte[] {0x03, (byte) 0xFF}));
        assertEquals(255, wide.pixels()[0] & 0xFF, "two bytes per sample above maxval 255");
    }

    @Test
    void brokenPpmFilesAreRefusedWithoutTrustingTheHeader() {
        var e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, ppm("P6 4 4 255\n", new byte[10])));
        assertTrue(e.getMessage().startsWith("img: PPM truncated"), e.getMessage());
        e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, ppm("P6 99999 99999 255\n", new byte[3])));
        assertTrue(e.getMessage().contains("larger than cbd4j accepts"), e.getMessage());
        e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, ppm("P6 1 1 0\n", new byte[3])));
        assertTrue(e.getMessage().contains("maxval"), e.getMessage());
        e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, ppm("P5 1 1 100\n", new byte[] {101})));
        assertTrue(e.getMessage().contains("above maxval"), e.getMessage());
        e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, ppm("P6 x", new byte[0])));
        assertTrue(e.getMessage().contains("missing width"), e.getMessage());
    }

    @Test
    void pngAndBmpDecodeLosslesslyAndGarbageIsRefused() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(2, 1, 0xFFEE01);
        for (String format : new String[] {"png", "bmp"}) {
            DecodedImage d = ImageDecoder.decode(F, encode(img, format));
            assertEquals(3, d.width(), format);
            assertEquals(3, d.channels(), format);
            assertArrayEquals(new byte[] {0x10, 0x20, 0x30}, java.util.Arrays.copyOfRange(d.pixels(), 0, 3), format);
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xEE, 0x01}, java.util.Arrays.copyOfRange(d.pixels(), 15, 18), format);
        }
        BufferedImage g = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 1, 0, 77);
        DecodedImage gd = ImageDecoder.decode(F, encode(g, "png"));
        assertEquals(1, gd.channels());
        assertEquals(77, gd.pixels()[3] & 0xFF);
        DecodedImage jpg = ImageDecoder.decode(F, encode(img, "jpg"));
        assertEquals(2, jpg.height());

        var e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, "hello".getBytes()));
        assertTrue(e.getMessage().startsWith("img: not a PNG"), e.getMessage());
        byte[] png = encode(img, "png");
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        e = assertThrows(DatasetFormatException.class, () -> ImageDecoder.decode(F, cut));
        assertTrue(e.getMessage().startsWith("img: cannot decode image"), e.getMessage());
    }

    @Test
    void resizeKeepsSameSizeImagesExactAndAveragesOnExactHalving() {
        byte[] px = new byte[16];
        for (int i = 0; i < 16; i++) {
            px[i] = (byte) (i * 10);
        }
        DecodedImage img = new DecodedImage(4, 4, 1, px);
        byte[] same = new byte[16];
        img.resized(4, 1, same, 0);
        assertArrayEquals(px, same);

        byte[] half = new byte[4];
        img.resized(2, 1, half, 0);
        // Output pixel (0,0) samples at source (0.5, 0.5): the mean of pixels 0, 1, 4, 5.
        assertEquals(Math.round((0 + 10 + 40 + 50) / 4f), half[0] & 0xFF);
        assertEquals(Math.round((100 + 110 + 140 + 150) / 4f), half[3] & 0xFF);

        DecodedImage rgb = new DecodedImage(1, 1, 3, new byte[] {(byte) 200, 100, 50});
        byte[] gray = new byte[4];
        rgb.resized(2, 1, gray, 0);
        assertEquals(Math.round(0.299f * 200 + 0.587f * 100 + 0.114f * 50), gray[0] & 0xFF);
        byte[] planes = new byte[12];
        rgb.resized(2, 3, planes, 0);
        assertArrayEquals(new byte[] {(byte) 200, (byte) 200, (byte) 200, (byte) 200, 100, 100, 100, 100, 50, 50, 50, 50},
                planes, "CHW planes");
    }
}
