package dev.wasmesh.deploy.oci;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** An OCI content descriptor: what a manifest says about one blob or one child manifest. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations) {
    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digests.sha256(content), content.length, null);
    }
}
