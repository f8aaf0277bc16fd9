# language: sv
Egenskap: I – Indikatorer
  En enhet som rapporterar en indikator sätter ett årsmål för den, och indikatorn har en
  periodicitet som styr när den rapporteras.

  Bakgrund:
    Givet en fullständig verksamhetsplan för 2012

  Regel: I1 Varje indikator som enheten rapporterar har ett årsmål

    @I1
    Scenario: En indikator utan årsmål ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        kf_årsmål: 98 %
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges fyndet I1 för indikatorn "Andel fakturor som betalas i tid"
      Och fyndets meddelande nämner "98 %"

    @I1
    Scenario: En indikator med årsmål uppfyller kravet
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        kf_årsmål: 98 %
        periodicitet: Tertial
        """
      När planen kontrolleras
      Så ges inget fynd I1

    @I1
    Scenario: En indikator som enheten inte rapporterar behöver inget årsmål
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Nämndens andel indikatorer med hög måluppfyllelse
        rapporteras_av_enheten: false
        periodicitet: År
        """
      När planen kontrolleras
      Så ges inget fynd I1

  Regel: I2 Varje indikator har periodiciteten Månad, Tertial, Halvår eller År

    @I2
    Scenario: En indikator med okänd periodicitet ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        periodicitet: Vecka
        """
      När planen kontrolleras
      Så ges fyndet I2 för indikatorn "Andel fakturor som betalas i tid"
      Och fyndets meddelande nämner "Vecka"

    @I2
    Scenario: En indikator utan periodicitet ger ett fel
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        """
      När planen kontrolleras
      Så ges fyndet I2 för indikatorn "Andel fakturor som betalas i tid"

    @I2
    Scenario: En indikator med periodiciteten Halvår uppfyller kravet
      Givet att planens första KF-mål har indikatorn:
        """
        namn: Andel fakturor som betalas i tid
        årsmål: 98 %
        periodicitet: Halvår
        """
      När planen kontrolleras
      Så ges inget fynd I2
