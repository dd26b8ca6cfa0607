package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wasmesh.deploy.DeployException;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * An image manifest or an image index (OCI or Docker schema 2): one record covers both because the registry may answer
 * a pull with either, and only {@code mediaType} tells which.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        int schemaVersion,
        String mediaType,
        Descriptor config,
        List<Descriptor> layers,
        List<Descriptor> manifests,
        Map<String, String> annotations) {

    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    public static Manifest image(
            String mediaType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        return new Manifest(2, mediaType, config, layers, null, annotations);
    }

    public static Manifest parse(byte[] json, String what) {
        try {
            return JSON.readValue(json, Manifest.class);
        } catch (JsonProcessingException e) {
            throw new DeployException(what + " is not a valid image manifest: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a manifest record always serializes", e);
        }
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType) || (mediaType == null && manifests != null && !manifests.isEmpty());
    }

    public List<Descriptor> layers() {
        return layers == null ? List.of() : layers;
    }

    public Map<String, String> annotations() {
        return annotations == null ? Map.of() : annotations;
    }
}
