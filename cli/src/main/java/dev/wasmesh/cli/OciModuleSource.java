package dev.wasmesh.cli;

import dev.wasmesh.deploy.DeployException;
import dev.wasmesh.deploy.oci.RegistryClient;
import dev.wasmesh.deploy.oci.RemoteModuleFetcher;
import dev.wasmesh.proxy.ModuleSource;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Lets {@code wasmesh run oci://REGISTRY/REPO:TAG} load a filter from a registry, in any of the image formats Istio
 * reads. As Docker does by default, a registry on a loopback address is spoken to over plain HTTP.
 */
final class OciModuleSource implements ModuleSource {
  @Override
  public boolean handles(String location) {
    return location.toLowerCase(Locale.ROOT).startsWith("oci://");
  }

  @Override
  public byte[] fetch(String location, String sha256) throws IOException {
    RegistryClient.Settings settings = RegistryClient.Settings.defaults().withPlainHttp(loopback(location));
    try {
      return new RemoteModuleFetcher(settings).fetch(location, sha256);
    } catch (DeployException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static boolean loopback(String location) {
    String host = URI.create("oci://" + location.substring("oci://".length()).split("/", 2)[0]).getHost();
    return host != null
        && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
  }
}
