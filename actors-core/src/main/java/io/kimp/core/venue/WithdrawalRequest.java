package io.kimp.core.venue;

import io.kimp.core.CborSerializable;
import java.math.BigDecimal;

/**
 * A coin withdrawal to another venue's deposit address.
 *
 * @param amount the coins to take from the balance, network fee included: the gateway deducts its venue's fee so that the
 *     account never spends more than this (the destination receives {@link WithdrawalResult#amount()})
 * @param clientId the intent's deterministic id (Binance {@code withdrawOrderId}); used to find the withdrawal again
 * @param tag destination tag / memo, or null when the coin has none
 */
public record WithdrawalRequest(
    String clientId, String coin, String network, BigDecimal amount, String address, String tag)
    implements CborSerializable {}
