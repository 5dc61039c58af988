package io.kimp.core.net;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * The TLS trust of this actor system's outgoing connections to the venues (the feeds' WebSocket and REST clients, the
 * gateways' HTTP): by default the JVM's own (the public CAs the real venues' certificates chain to). {@code kimp run
 * --simulate --tls} sets a context that trusts exactly the in-process simulator's certificate, so that kimp speaks
 * {@code wss://}/{@code https://} to it without a change to the JVM's default trust store, and nothing changes for
 * a node trading at the real venues. Set before the feeds and gateways start; read when they open connections.
 */
public final class ClientTls implements Extension {
  private volatile SSLContext trusted;

  private ClientTls() {}

  private static final ExtensionId<ClientTls> ID =
      new ExtensionId<>() {
        @Override
        public ClientTls createExtension(ActorSystem<?> system) {
          return new ClientTls();
        }
      };

  public static ClientTls get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  public static ClientTls get(ClassicActorSystemProvider system) {
    return ID.apply(Adapter.toTyped(system.classicSystem()));
  }

  /** The context to use instead of the JVM's default, or empty for the default. */
  public Optional<SSLContext> context() {
    return Optional.ofNullable(trusted);
  }

  /** From now on this system's venue connections trust {@code context} (and only what it trusts). */
  public void use(SSLContext context) {
    this.trusted = context;
  }

  /** A TLS context that trusts exactly the certificate(s) in {@code pem} and nothing else. */
  public static SSLContext trusting(String pem) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        ks.setCertificateEntry("trusted-" + i++, c);
      }
      if (i == 0) {
        throw new IllegalArgumentException("TLS: no certificate to trust");
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.io.IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("TLS: cannot trust the certificate: " + e.getMessage(), e);
    }
  }
}
