package dev.wasmesh.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;
import dev.wasmesh.proxy.config.ModuleSource;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Lets {@code wasmesh run} load a filter as istio-agent does: {@code oci://REGISTRY/REPO:TAG} in any of the image
 * formats Istio reads, and {@code http(s)://} URLs whose gzip or tar wrapping is removed before {@code --sha256} is
 * checked. As Docker does by default, a registry on a loopback address is spoken to over plain HTTP.
 */
final class RemoteModuleSource implements ModuleSource {
    @Override
    public boolean handles(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        return l.startsWith("oci://") || l.startsWith("http://") || l.startsWith("https://");
    }

    @Override
    public byte[] fetch(String location, String sha256) throws IOException {
        RegistryClient.Settings settings = RegistryClient.Settings.defaults().withPlainHttp(loopbackRegistry(location));
        try {
            return new RemoteModuleFetcher(settings).fetch(location, sha256);
        } catch (DeployException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static boolean loopbackRegistry(String location) {
        if (!location.toLowerCase(Locale.ROOT).startsWith("oci://")) {
            return false;
        }
        String host = URI.create(
                        "oci://" + location.substring("oci://".length()).split("/", 2)[0])
                .getHost();
        return host != null
                && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
