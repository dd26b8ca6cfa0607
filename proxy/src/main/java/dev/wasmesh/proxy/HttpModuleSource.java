package dev.wasmesh.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Downloads a filter over http(s); with a SHA-256 the bytes must match it, as Envoy's remote code source demands. */
final class HttpModuleSource implements ModuleSource {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Override
    public boolean handles(String location) {
        return location.startsWith("http://") || location.startsWith("https://");
    }

    @Override
    public byte[] fetch(String location, String sha256) throws IOException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(URI.create(location)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(location + ": download interrupted", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(location + ": bad URL: " + e.getMessage(), e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(location + ": download failed with HTTP " + response.statusCode());
        }
        ModuleSources.verify(location, response.body(), sha256);
        return response.body();
    }
}
