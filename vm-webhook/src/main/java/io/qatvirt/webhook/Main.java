package io.qatvirt.webhook;

/** Entry point of qat-vm-webhook.jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("qat-vm-webhook");
  }
}
