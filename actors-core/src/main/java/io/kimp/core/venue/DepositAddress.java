package io.kimp.core.venue;

import io.kimp.core.CborSerializable;

/** Where to send a coin so that it lands in our account at a venue. {@code tag} is the memo / destination tag or null. */
public record DepositAddress(String coin, String network, String address, String tag) implements CborSerializable {}
