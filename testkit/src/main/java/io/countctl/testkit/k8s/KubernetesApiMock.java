package io.countctl.testkit.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;

/**
 * fabric8's Kubernetes mock API server in CRUD mode, unmodified, run in its own class loader.
 *
 * <p>Why the class loader: mockwebserver 7.5 is compiled against Vert.x 4 and its watch path calls
 * {@code ServerWebSocket.accept()}, which Vert.x 5 (on this module's class path) no longer has, so
 * every watch — and with it every informer — hangs. The loader below takes Vert.x 4, Netty 4.1 and
 * the mock server itself from {@code target/k8s-mock-lib} (copied there by the pom) child-first and
 * everything else (the fabric8 client API and model, Jackson) from the test class path, so the
 * {@link KubernetesClient} it hands out is an ordinary one.
 */
public final class KubernetesApiMock implements AutoCloseable {
  private static final List<String> ISOLATED = List.of(
      "io.vertx.", "io.netty.", "io.fabric8.mockwebserver.", "io.fabric8.kubernetes.client.server.mock.");

  private final Object server;
  private final KubernetesClient client;

  private KubernetesApiMock(Object server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts a CRUD-mode mock API server on a free port (plain HTTP). */
  public static KubernetesApiMock startCrud() {
    return startCrud(0);
  }

  /**
   * Starts a CRUD-mode mock API server on {@code port} (0: a free one), e.g. where a client was
   * already pointed while no API server answered.
   */
  public static KubernetesApiMock startCrud(int port) {
    URLClassLoader loader = new ChildFirstLoader(jars(), KubernetesApiMock.class.getClassLoader());
    try {
      Class<?> contextClass = loader.loadClass("io.fabric8.mockwebserver.Context");
      Class<?> webServerClass = loader.loadClass("io.fabric8.mockwebserver.MockWebServer");
      Class<?> dispatcherClass = loader.loadClass("io.fabric8.mockwebserver.http.Dispatcher");
      Class<?> serverClass = loader.loadClass("io.fabric8.kubernetes.client.server.mock.KubernetesMockServer");
      Object dispatcher = loader.loadClass("io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher")
          .getConstructor().newInstance();
      Constructor<?> ctor = serverClass.getConstructor(
          contextClass, webServerClass, java.util.Map.class, dispatcherClass, boolean.class);
      Object server = ctor.newInstance(contextClass.getConstructor().newInstance(),
          webServerClass.getConstructor().newInstance(), new HashMap<>(), dispatcher, false);
      if (port == 0) {
        serverClass.getMethod("init").invoke(server);
      } else {
        serverClass.getMethod("init", java.net.InetAddress.class, int.class)
            .invoke(server, java.net.InetAddress.getLoopbackAddress(), port);
      }
      KubernetesClient client = (KubernetesClient) serverClass.getMethod("createClient").invoke(server);
      return new KubernetesApiMock(server, client);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not start the Kubernetes mock server", e);
    }
  }

  /** A client of the mock server; its default namespace is {@code test}. */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    try {
      // The loader stays open: Vert.x 4 finishes shutting down on its own threads after destroy()
      // returns and still loads classes then. It is collected with the mock.
      server.getClass().getMethod("destroy").invoke(server);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  private static URL[] jars() {
    Path dir = Path.of("target", "k8s-mock-lib");
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jar")).map(KubernetesApiMock::url).toArray(URL[]::new);
    } catch (IOException e) {
      throw new UncheckedIOException(dir.toAbsolutePath() + " is missing: run the tests through Maven", e);
    }
  }

  private static URL url(Path p) {
    try {
      return p.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Loads the isolated packages from its own jars first; everything else from the parent. */
  private static final class ChildFirstLoader extends URLClassLoader {
    ChildFirstLoader(URL[] urls, ClassLoader parent) {
      super("k8s-mock", urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (ISOLATED.stream().noneMatch(name::startsWith)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      // Vert.x and Netty read their own META-INF resources; keep them from the isolated jars too.
      URL own = findResource(name);
      return own != null ? own : super.getResource(name);
    }
  }
}
