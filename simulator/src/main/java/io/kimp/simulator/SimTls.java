package io.kimp.simulator;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Enumeration;
import javax.net.ssl.KeyManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The simulator's TLS: a server context from a PKCS#12 key store, or from a certificate generated at start (RSA 2048,
 * self-signed, valid for {@code localhost} and {@code 127.0.0.1} for 30 days), whose PEM is written where clients can
 * read it to trust it.
 */
final class SimTls {
  private final SslContext context;
  private final String certificatePem;

  private SimTls(SslContext context, String certificatePem) {
    this.context = context;
    this.certificatePem = certificatePem;
  }

  SslContext context() {
    return context;
  }

  String certificatePem() {
    return certificatePem;
  }

  static SimTls create(SimulatorConfig.Tls tls) {
    try {
      PrivateKey key;
      X509Certificate cert;
      if (tls.keyStore() != null) {
        char[] password = tls.password() == null ? new char[0] : tls.password().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
          ks.load(in, password);
        }
        String alias = null;
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
          String a = e.nextElement();
          if (ks.isKeyEntry(a)) {
            alias = a;
            break;
          }
        }
        if (alias == null) {
          throw new IllegalArgumentException("the key store " + tls.keyStore() + " holds no private key");
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, password);
        Certificate c = ks.getCertificate(alias);
        cert = (X509Certificate) c;
        SimTls out = new SimTls(SslContextBuilder.forServer(kmf).build(), pem(cert));
        out.write(tls.certificateOut());
        return out;
      }
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048, new SecureRandom());
      KeyPair pair = gen.generateKeyPair();
      key = pair.getPrivate();
      cert = selfSigned(pair);
      SimTls out = new SimTls(SslContextBuilder.forServer(key, cert).build(), pem(cert));
      out.write(tls.certificateOut());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("TLS: " + e.getMessage(), e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalArgumentException("TLS: " + e.getMessage(), e);
    }
  }

  private static X509Certificate selfSigned(KeyPair pair)
      throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException, IOException {
    X500Name name = new X500Name("CN=localhost, O=kimp exchange simulator");
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
            pair.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
        }));
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
  }

  private static String pem(X509Certificate cert) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(cert);
    }
    return s.toString();
  }

  private void write(Path to) throws IOException {
    if (to != null) {
      if (to.toAbsolutePath().getParent() != null) {
        Files.createDirectories(to.toAbsolutePath().getParent());
      }
      Files.writeString(to, certificatePem, StandardCharsets.US_ASCII);
    }
  }
}
