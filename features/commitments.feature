# language: sv
Egenskap: C – Åtagandens fullständighet
  Ett åtagande är enhetens löfte. För att det ska gå att följa ska det ange förväntat resultat,
  arbetssätt och hur det följs upp (tjänsteutlåtandet om enheternas verksamhetsplaner).

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: C1 Varje åtagande anger förväntat resultat

    @C1
    Scenario: Ett åtagande utan förväntat resultat ger ett fel
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        arbetssätt: Vi skriver ut dubbelsidigt och skickar handlingar med e-post.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet C1 för åtagandet "Vi åtar oss att minska pappersförbrukningen"
      Och fyndet har allvarlighetsgraden fel

    @C1
    Scenario: Ett förväntat resultat som bara är blanksteg eller streck räknas som saknat
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: " – "
        arbetssätt: Vi skriver ut dubbelsidigt och skickar handlingar med e-post.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet C1 för åtagandet "Vi åtar oss att minska pappersförbrukningen"

    @C1
    Scenario: Ett åtagande med förväntat resultat är fullständigt i den delen
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: Pappersinköpen minskar med 10 procent.
        arbetssätt: Vi skriver ut dubbelsidigt och skickar handlingar med e-post.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges inget fynd C1

  Regel: C2 Varje åtagande anger arbetssätt

    @C2
    Scenario: Ett åtagande utan arbetssätt ger ett fel
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: Pappersinköpen minskar med 10 procent.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet C2 för åtagandet "Vi åtar oss att minska pappersförbrukningen"

    @C2
    Scenario: Ett åtagande med arbetssätt är fullständigt i den delen
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: Pappersinköpen minskar med 10 procent.
        arbetssätt: Vi skriver ut dubbelsidigt.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges inget fynd C2

  Regel: C3 Varje åtagande anger hur det följs upp

    @C3
    Scenario: Ett åtagande utan uppföljning ger ett fel
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: Pappersinköpen minskar med 10 procent.
        arbetssätt: Vi skriver ut dubbelsidigt.
        """
      När planen kontrolleras
      Så ges fyndet C3 för åtagandet "Vi åtar oss att minska pappersförbrukningen"
      Och fyndets meddelande är "Åtagandet "Vi åtar oss att minska pappersförbrukningen" saknar uppföljning."

    @C3
    Scenario: Ett åtagande med uppföljning är fullständigt i den delen
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska pappersförbrukningen
        förväntat_resultat: Pappersinköpen minskar med 10 procent.
        arbetssätt: Vi skriver ut dubbelsidigt.
        uppföljning: Inköpen av papper följs upp varje tertial.
        """
      När planen kontrolleras
      Så ges inget fynd C3
