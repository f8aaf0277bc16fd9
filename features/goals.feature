# language: sv
Egenskap: G – Målkoppling
  Kommunallagen 6 kap. 6 § kräver att nämnden ser till att verksamheten bedrivs enligt
  fullmäktiges mål. Därför ska varje åtagande höra till ett nämndmål, och varje nämndmål
  bryta ned ett av fullmäktiges mål för verksamhetsområdet.

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: G1 Varje åtagande är kopplat till ett nämndmål

    @G1
    Scenario: Ett åtagande utan nämndmål ger ett fel
      Givet att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet G1 för åtagandet "Vi åtar oss att svara på e-post inom två arbetsdagar"
      Och fyndet har allvarlighetsgraden fel

    @G1
    Scenario: Ett åtagande som hänvisar till ett nämndmål som inte finns ger ett fel
      Givet att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        nämndmål: NM-FINNS-INTE
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges fyndet G1 för åtagandet "Vi åtar oss att svara på e-post inom två arbetsdagar"
      Och fyndets meddelande nämner "NM-FINNS-INTE"

    @G1
    Scenario: Ett åtagande som hänvisar till ett av planens nämndmål är kopplat
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        id: NM-SERVICE
        kf_mål: "3.2"
        titel: Förvaltningens service ska vara snabb och tillgänglig
        """
      Och att planen har ett åtagande utanför målkedjan:
        """
        titel: Vi åtar oss att svara på e-post inom två arbetsdagar
        nämndmål: NM-SERVICE
        förväntat_resultat: Nio av tio e-postmeddelanden besvaras inom två arbetsdagar.
        arbetssätt: Funktionsbrevlådan bevakas varje dag.
        uppföljning: Stickprov varje tertial.
        """
      När planen kontrolleras
      Så ges inget fynd G1

  Regel: G2 Varje nämndmål bryter ned ett av fullmäktiges mål för verksamhetsområdet

    @G2
    Scenario: Ett nämndmål som hänvisar till ett KF-mål som planen saknar ger ett fel
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        kf_mål: "9.9"
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges fyndet G2 för nämndmålet "Alla brukare ska få en kontaktperson"
      Och fyndets meddelande nämner "9.9"

    @G2
    Scenario: Ett nämndmål utan KF-mål ger ett fel
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges fyndet G2 för nämndmålet "Alla brukare ska få en kontaktperson"

    @G2
    Scenario: Nämndmål under eller med hänvisning till planens KF-mål är kopplade
      Givet att planen har ett nämndmål utanför målkedjan:
        """
        kf_mål: "2.3"
        titel: Alla brukare ska få en kontaktperson
        """
      När planen kontrolleras
      Så ges inget fynd G2
