package dev.codeproxy.claude;

import jakarta.json.JsonNumber;

import java.math.BigDecimal;
import java.math.BigInteger;

/** A JSON number that prints exactly as it was written in the file ({@code 1e5} stays {@code 1e5}, {@code -0} stays {@code -0}). */
final class RawNumber implements JsonNumber {
    private final String text;
    private BigDecimal value;

    RawNumber(String text) {
        this.text = text;
    }

    @Override
    public BigDecimal bigDecimalValue() {
        BigDecimal v = value;
        if (v == null) {
            v = new BigDecimal(text);
            value = v;
        }
        return v;
    }

    @Override
    public boolean isIntegral() {
        return bigDecimalValue().scale() == 0;
    }

    @Override
    public int intValue() {
        return bigDecimalValue().intValue();
    }

    @Override
    public int intValueExact() {
        return bigDecimalValue().intValueExact();
    }

    @Override
    public long longValue() {
        return bigDecimalValue().longValue();
    }

    @Override
    public long longValueExact() {
        return bigDecimalValue().longValueExact();
    }

    @Override
    public BigInteger bigIntegerValue() {
        return bigDecimalValue().toBigInteger();
    }

    @Override
    public BigInteger bigIntegerValueExact() {
        return bigDecimalValue().toBigIntegerExact();
    }

    @Override
    public double doubleValue() {
        return bigDecimalValue().doubleValue();
    }

    @Override
    public Number numberValue() {
        return bigDecimalValue();
    }

    @Override
    public ValueType getValueType() {
        return ValueType.NUMBER;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (o instanceof RawNumber r && r.text.equals(text)) {
            return true;
        }
        return o instanceof JsonNumber n && n.bigDecimalValue().equals(bigDecimalValue());
    }

    @Override
    public int hashCode() {
        return bigDecimalValue().hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
