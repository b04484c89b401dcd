package io.qatvirt.plugin.device;

/** A device's health as kubelet's API spells it. */
public enum Health {
  HEALTHY("Healthy"),
  UNHEALTHY("Unhealthy");

  private final String apiValue;

  Health(String apiValue) {
    this.apiValue = apiValue;
  }

  /** {@code Healthy} or {@code Unhealthy}, the strings of the device plugin API. */
  public String apiValue() {
    return apiValue;
  }
}
