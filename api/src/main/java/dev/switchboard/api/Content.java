package dev.switchboard.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** One part of a message: text or an image. Immutable. */
public sealed interface Content permits Content.Text, Content.Image {

    static Text text(String text) {
        return new Text(text);
    }

    /** An image addressed by URL ({@code https:} or a {@code data:} URL). */
    static Image imageUrl(String url) {
        return new Image(url, null, null);
    }

    /** An image given inline as base64 data with its media type, e.g. {@code image/png}. */
    static Image imageBase64(String mediaType, String base64Data) {
        return new Image(null, mediaType, base64Data);
    }

    record Text(String text) implements Content {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image, either by URL or inline. Exactly one of {@code url} and {@code base64Data} is set;
     * providers that need the other form convert ({@link #toDataUrl()}, {@link #inlineData()}). {@code detail} is
     * OpenAI's {@code image_url.detail} ({@code auto}, {@code low}, {@code high}), kept for the providers that take it.
     */
    record Image(@Nullable String url, @Nullable String mediaType, @Nullable String base64Data, @Nullable String detail)
            implements Content {
        private static final String DATA_PREFIX = "data:";

        /** An image without a detail level. */
        public Image(@Nullable String url, @Nullable String mediaType, @Nullable String base64Data) {
            this(url, mediaType, base64Data, null);
        }

        /** This image with OpenAI's {@code detail} level ({@code auto}, {@code low} or {@code high}). */
        public Image withDetail(@Nullable String detail) {
            return new Image(url, mediaType, base64Data, detail);
        }

        public Image {
            if ((url == null) == (base64Data == null)) {
                throw new IllegalArgumentException("an image needs exactly one of url or base64Data");
            }
            if (url != null && url.isBlank()) {
                throw new IllegalArgumentException("an image URL cannot be blank");
            }
            if (base64Data != null && base64Data.isBlank()) {
                throw new IllegalArgumentException("inline image data cannot be blank");
            }
            if (base64Data != null && (mediaType == null || mediaType.isBlank())) {
                throw new IllegalArgumentException("an inline image needs its media type, e.g. image/png");
            }
        }

        /** The image as a URL: the given one, or a {@code data:} URL built from the inline data. */
        public String toDataUrl() {
            return url != null ? url : DATA_PREFIX + mediaType + ";base64," + base64Data;
        }

        /**
         * The inline form {@code [mediaType, base64]} when the image is inline or a base64 {@code data:} URL;
         * empty for a remote URL, which providers that only take inline data must refuse.
         */
        public Optional<InlineData> inlineData() {
            if (base64Data != null) {
                return Optional.of(new InlineData(mediaType, base64Data));
            }
            if (url.startsWith(DATA_PREFIX)) {
                int marker = url.indexOf(";base64,");
                if (marker > 0) {
                    // data:image/jpeg;name=cat.jpg;base64,... : the media type is what precedes the parameters
                    String type = url.substring(DATA_PREFIX.length(), marker);
                    int params = type.indexOf(';');
                    return Optional.of(new InlineData(params < 0 ? type : type.substring(0, params),
                            url.substring(marker + ";base64,".length())));
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            String what = url != null ? (url.startsWith(DATA_PREFIX) ? "data URL" : url) : mediaType + " inline";
            return "Image[" + what + "]";
        }
    }

    /** Base64 image data and its media type. */
    record InlineData(String mediaType, String base64) {}
}
