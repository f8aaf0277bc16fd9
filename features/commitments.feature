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

  Regel: C4 Åtagandet anger resursanvändning och utveckling

    @C4
    Scenario: Ett åtagande utan resursanvändning och utveckling ger en varning
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet C4 för åtagandet "Vi åtar oss att svara på e-post inom två arbetsdagar"
      Och fyndet har allvarlighetsgraden varning
      Och fyndets meddelande nämner "resursanvändning: saknas; utveckling: saknas"

    @C4
    Scenario: Ett åtagande med resursanvändning och utveckling håller
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        resursanvändning: Registratorn bevakar brevlådan inom sin ordinarie tid.
        uppföljning: Stickprov varje tertial.
        utveckling: Automatiska svar prövas under hösten.
        """
      När planen kontrolleras
      Så ges inget fynd C4

  Regel: C5 Åtagandet är formulerat som ett löfte

    @C5
    Scenario: Ett mål i stället för ett löfte ger information
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Sjukfrånvaron ska minska
        förväntat_resultat: Sjukfrånvaron är under 4 procent.
        arbetssätt: Cheferna följer upp frånvaron varje månad.
        uppföljning: I tertialrapporterna.
        """
      När planen kontrolleras
      Så ges fyndet C5 för åtagandet "Sjukfrånvaron ska minska"
      Och fyndet har allvarlighetsgraden info
      Och fyndets meddelande nämner "det börjar "sjukfrånvaron ska""

    @C5
    Scenario: Ett åtagande som börjar "Vi åtar oss att" håller
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att minska sjukfrånvaron
        förväntat_resultat: Sjukfrånvaron är under 4 procent.
        arbetssätt: Cheferna följer upp frånvaron varje månad.
        uppföljning: I tertialrapporterna.
        """
      När planen kontrolleras
      Så ges inget fynd C5

  Regel: C6 Det förväntade resultatet går att följa upp

    @C6
    Scenario: Ett resultat utan tal, tidpunkt eller indikator ger en varning
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att ge god service
        förväntat_resultat: Medborgarna blir nöjdare med bemötandet.
        arbetssätt: Vi utbildar personalen i bemötande.
        uppföljning: I verksamhetsberättelsen.
        """
      När planen kontrolleras
      Så ges fyndet C6 för åtagandet "Vi åtar oss att ge god service"
      Och fyndet har allvarlighetsgraden varning

    @C6
    Scenario: Ett resultat med ett tal håller
      Givet att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att ge god service
        förväntat_resultat: Minst 80 procent av medborgarna är nöjda med bemötandet.
        arbetssätt: Vi utbildar personalen i bemötande.
        uppföljning: I verksamhetsberättelsen.
        """
      När planen kontrolleras
      Så ges inget fynd C6

    @C6
    Scenario: Ett resultat utan tal men med en kopplad indikator håller
      Givet att planens första KF-mål har indikatorn:
        """
        id: IND-NOJD
        namn: Andel nöjda medborgare
        årsmål: 80 %
        periodicitet: År
        """
      Och att planens första nämndmål har åtagandet:
        """
        titel: Vi åtar oss att ge god service
        förväntat_resultat: Medborgarna blir nöjdare med bemötandet.
        arbetssätt: Vi utbildar personalen i bemötande.
        uppföljning: I verksamhetsberättelsen.
        indikatorer: [IND-NOJD]
        """
      När planen kontrolleras
      Så ges inget fynd C6
